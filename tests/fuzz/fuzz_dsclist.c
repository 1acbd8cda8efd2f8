/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dsclist.c - libFuzzer target: the EU DSC list importer (dsclist_parse()) on arbitrary
 * input; every entry it hands over must import into a fresh in-memory trust store and be found
 * under its kid.
 */
#include <stdint.h>
#include <stdlib.h>

#include "credential/dsclist.h"
#include "credential/sig.h"
#include "credential/trust.h"
#include "credential/trust_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int found(const struct sig_cert_info *info, const uint8_t *der, size_t len, void *userdata)
{
	(void)info;
	(void)der;
	(void)len;
	++*(unsigned *)userdata;
	return 0;
}

static int take(const struct dsclist_entry *e, void *userdata)
{
	unsigned n = 0;

	if (trust_import_cert(userdata, e->der, e->der_len) < 0)
		abort(); /* the list's checks promised a usable certificate */
	if (trust_for_each_dcc_signer(userdata, e->kid, found, &n) < 0 || n == 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trust *t;
	const char *why;
	size_t index;

	if (trust_open(NULL, &t) < 0)
		return 0;
	(void)dsclist_parse((const char *)data, size, take, t, &index, &why);
	trust_free(t);
	return 0;
}

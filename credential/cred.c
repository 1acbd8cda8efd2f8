/* SPDX-License-Identifier: MIT */
/*
 * cred.c - names of the normalized credential's enumerations, event dates as written, and wiping
 * a record.
 *
 * The status names are the `error` codes of the `passgate verify` contract (DESIGN.md); the
 * test kind names are those of PROGRAMS.md ("Test kinds and result codes").
 */
#include <errno.h>
#include <string.h>

#include "credential/cred.h"
#include "credential/isotime.h"

static const char *const status_codes[CRED_STATUS_COUNT_] = {
	[CRED_OK] = NULL,
	[CRED_E_UNREADABLE] = "unreadable",
	[CRED_E_ENCODING] = "encoding",
	[CRED_E_INFLATE] = "inflate",
	[CRED_E_SYNTAX] = "syntax",
	[CRED_E_SCHEMA] = "schema",
	[CRED_E_ISSUER_UNKNOWN] = "issuer-unknown",
	[CRED_E_SIGNATURE_INVALID] = "signature-invalid",
	[CRED_E_KEY_USAGE] = "key-usage",
	[CRED_E_EXPIRED] = "credential-expired",
	[CRED_E_NOT_YET_VALID] = "credential-not-yet-valid",
	[CRED_E_REVOKED] = "revoked",
};

const char *cred_status_code(enum cred_status s)
{
	if ((unsigned)s >= CRED_STATUS_COUNT_)
		return "syntax";
	return status_codes[s];
}

const char *cred_format_name(enum cred_format f)
{
	switch (f) {
	case CRED_FORMAT_SHC:
		return "shc";
	case CRED_FORMAT_DCC:
		return "dcc";
	case CRED_FORMAT_NONE:
		break;
	}
	return NULL;
}

const char *cred_test_kind_name(enum cred_test_kind k)
{
	switch (k) {
	case CRED_TEST_PCR:
		return "pcr";
	case CRED_TEST_LAMP:
		return "lamp";
	case CRED_TEST_ANTIGEN_QUANTITATIVE:
		return "antigen-quantitative";
	case CRED_TEST_ANTIGEN_RAPID:
		return "antigen-rapid";
	case CRED_TEST_ANTIBODY:
		return "antibody";
	case CRED_TEST_UNKNOWN:
		break;
	}
	return "unknown";
}

void cred_wipe(struct cred *c)
{
	/* explicit_bzero is not elided by the optimiser even though *c is dead afterwards. */
	explicit_bzero(c, sizeof(*c));
}

int cred_date_copy(const char *s, char out[CRED_DATETIME_MAX])
{
	char day[CRED_DATE_MAX];
	int64_t ms;
	size_t n = strlen(s);
	int r;

	if (n < 10 || (s[10] && s[10] != 'T'))
		return -EINVAL;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (isotime_scan(day, 0, &ms) < 0)
		return -EINVAL;
	/* An instant (a time with an offset) is kept whole: its local date depends on the venue. */
	r = isotime_scan(s, 0, &ms);
	if (r >= 0 && (r & ISOTIME_TIME) && (r & ISOTIME_OFFSET) && n < CRED_DATETIME_MAX) {
		memcpy(out, s, n + 1);
		return 0;
	}
	memcpy(out, day, CRED_DATE_MAX);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * vaccines.h - the COVID-19 vaccine code table (vaccines.c): which vaccinations count as doses.
 * Pure functions over borrowed strings; nothing is allocated.
 */
#ifndef PASSGATE_VACCINES_H
#define PASSGATE_VACCINES_H

#include <stdbool.h>

#define CRED_COVID19_TARGET "840539006" /* SNOMED CT: COVID-19, the DCC `tg` value */

/* True when the FHIR coding (@system, @code) of an SHC Immunization.vaccineCode is a COVID-19
 * vaccine of the SMART Health Cards value sets (CVX, SNOMED CT, ICD-11 MMS). */
bool cred_vaccine_shc_covid19(const char *system, const char *code);

/* True when a DCC vaccination entry with disease @tg and vaccine type @vp (may be NULL or empty)
 * is a COVID-19 vaccination. */
bool cred_vaccine_dcc_covid19(const char *tg, const char *vp);

#endif

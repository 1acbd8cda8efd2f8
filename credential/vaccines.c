/* SPDX-License-Identifier: MIT */
/*
 * vaccines.c - which vaccinations are COVID-19 vaccinations (PROGRAMS.md "Dose counting"; the
 * table is in docs/credentials.md).
 *
 * Only a COVID-19 dose counts towards a program: two influenza shots on a SMART Health Card are
 * not two doses. SHC: an Immunization counts when one of its vaccineCode codings is in the SMART
 * Health Cards value set "Immunization / COVID / all" (terminology.smarthealth.cards, version
 * 2023.1: CVX, SNOMED CT and ICD-11 MMS codes of COVID-19 vaccines). CVX 213 ("SARS-COV-2
 * vaccine, unspecified formulation") is not in that set and does not count. EU DCC: the entry's
 * disease `tg` must be 840539006 (hcert value set disease-agent-targeted) and its vaccine type
 * `vp`, when the issuer filled it, one of the vaccine-prophylaxis value set (1119305005,
 * 1119349007, J07BX03); issuers' test data leave `vp` empty, and `tg` alone names the disease.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "credential/vaccines.h"

#define SYSTEM_CVX    "http://hl7.org/fhir/sid/cvx"
#define SYSTEM_SNOMED "http://snomed.info/sct"
#define SYSTEM_ICD11  "http://id.who.int/icd11/mms"

static const char *const cvx[] = {
	"207", "208", "210", "211", "212", "217", "218", "219", "221", "225", "226", "227", "228",
	"229", "230", "300", "301", "302", "501", "502", "503", "504", "505", "506", "507", "508",
	"509", "510", "511", "512", "513", "514", "515", "516", "517", "518", "519", "520", NULL,
};

static const char *const snomed[] = {
	"1031000172108",   "10871000172106",
	"10891000172107",  "10901000172106",
	"125071000220108", "125081000220106",
	"125091000220109", "125101000220104",
	"125111000220101", "125121000220108",
	"1401000220108",   "1411000220106",
	"1421000220104",   "28571000087109",
	"28581000087106",  "28761000087108",
	"28951000087107",  "28961000087105",
	"29171000087106",  "30151000087105",
	"31301000087101",  "31311000087104",
	"31341000087103",  "31431000087100",
	"33201000087108",  "33211000087105",
	"33221000087102",  "33361000087101",
	"33391000087109",  "33401000087107",
	"33411000087109",  "33421000087101",
	"33431000087104",  "33441000087105",
	"33451000087108",  "33461000087106",
	"33471000087102",  "33581000087104",
	"33881000087102",  "34591000087100",
	"34601000087108",  "34611000087105",
	"34921000087108",  "35651000087105",
	"37311000087109",  "37651000087101",
	"384671000221101", "399651000221108",
	"399661000221105", "399681000221103",
	"399691000221100", "399701000221100",
	"399771000221108", "399781000221106",
	"399801000221105", "399811000221108",
	"399821000221103", "399861000221106",
	"399871000221102", "399881000221104",
	"399891000221101", "399901000221102",
	"399911000221104", "424531000221101",
	"424541000221108", "424551000221105",
	"424561000221107", "424571000221103",
	"424581000221100", "424591000221102",
	"424601000221107", "424611000221105",
	"424621000221100", "424631000221102",
	"424641000221109", "424651000221106",
	"424661000221108", "424671000221104",
	"424681000221101", "424691000221103",
	"424701000221103", "424711000221100",
	"424721000221105", "424731000221108",
	"424741000221101", "424751000221104",
	"424781000221109", "424791000221107",
	"424801000221108", "424821000221101",
	"424831000221103", "424971000221108",
	"425001000221100", "425011000221102",
	"425031000221105", "425051000221101",
	"62051000220105",  NULL,
};

static const char *const icd11[] = {
	"XM68M6", "XM1NL1", "XM7HT3", "XM8866", "XM9TQ1", "XM1G90", "XM85P5", "XM9FQ7",
	"XM97N6", "XM2YG8", "XM0K39", "XM1AU2", "XM5DF6", "XM9QW8", "XM4YL8", "XM97T2",
	"XM6QV1", "XM1AG7", "XM5ZJ4", "XM5QM6", "XM0CX4", "XM5JC5", "XM3CT4", "XM3PG0",
	"XM4EC8", "XM6SZ8", "XM0RV9", "XM3SK8", "XM9P21", "XM9T65", "XM9N08", "XM1J92",
	"XM6AT1", "XM52P3", "XM0GQ8", "XM8NQ0", "XM3DT5", NULL,
};

static bool in(const char *const *set, const char *code)
{
	for (; *set; set++)
		if (strcmp(*set, code) == 0)
			return true;
	return false;
}

bool cred_vaccine_shc_covid19(const char *system, const char *code)
{
	if (!system || !code)
		return false;
	if (strcmp(system, SYSTEM_CVX) == 0)
		return in(cvx, code);
	if (strcmp(system, SYSTEM_SNOMED) == 0)
		return in(snomed, code);
	if (strcmp(system, SYSTEM_ICD11) == 0)
		return in(icd11, code);
	return false;
}

bool cred_vaccine_dcc_covid19(const char *tg, const char *vp)
{
	static const char *const prophylaxis[] = { "1119305005", "1119349007", "J07BX03", NULL };

	if (!tg || strcmp(tg, CRED_COVID19_TARGET) != 0)
		return false;
	return !vp || !vp[0] || in(prophylaxis, vp);
}

/* SPDX-License-Identifier: MIT */
/*
 * cred.h - the normalized credential: what a verified SMART Health Card or EU DCC says, in one
 * DCC-shaped record (DESIGN.md, "One scan, end to end").
 *
 * struct cred is a plain value record, the one deliberate exception to opaque structs
 * (STYLE.md §1): it is filled by the verifier, read by the rules engine, the event builder and
 * the receipt, and copied freely. It has fixed-size fields so that a scan allocates nothing and
 * every outsider-controlled list is bounded by construction. The caller owns the memory.
 *
 * Privacy: family/given names, the birth date and the certificate id live only in this record,
 * in memory. No module may write them to a log, a file or the network (DESIGN.md, events);
 * cred_wipe() clears a record when a scan is done with it.
 */
#ifndef PASSGATE_CRED_H
#define PASSGATE_CRED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRED_NAME_MAX	128 /* bytes of UTF-8 including NUL, per name part */
#define CRED_ISSUER_MAX 256 /* SHC iss URL (or DCC issuer), including NUL */
#define CRED_KID_MAX	64  /* printable kid: SHC thumbprint, DCC base64, including NUL */
#define CRED_CODE_MAX                                                                          \
	64		       /* a LOINC / SNOMED / CVX / product code, including NUL (DCC mp \
				* "Inactivated-SARS-CoV-2-Vero-Cell" alone is 32 bytes) */
#define CRED_ID_MAX	    80 /* DCC certificate identifier (UVCI), including NUL */
#define CRED_MAX_DOSES	    16
#define CRED_MAX_TESTS	    8
#define CRED_MAX_RECOVERIES 4

/* The date "YYYY-MM-DD" plus NUL. Partial dates ("1990", "1990-04") are kept as given. */
#define CRED_DATE_MAX 11

/*
 * A date of an event as the issuer wrote it: "YYYY-MM-DD", or a date-time with an offset
 * ("2021-07-01T16:00:00Z", "...+09:00", at most 35 bytes plus NUL). The credential does not know
 * the venue's time zone, so it keeps the instant; the rules take its local date in the venue's
 * zone (PROGRAMS.md "Local dates"). A date-time without an offset is kept as its date part.
 */
#define CRED_DATETIME_MAX 36

enum cred_format {
	CRED_FORMAT_NONE = 0,
	CRED_FORMAT_SHC, /* SMART Health Card (shc:/ numeric, JWS) */
	CRED_FORMAT_DCC, /* EU Digital COVID Certificate (HC1:) */
};

/*
 * The first step of verification that failed, in pipeline order. The names returned by
 * cred_status_code() are the `error` values of `passgate verify` (DESIGN.md) and must not change.
 */
enum cred_status {
	CRED_OK = 0,
	CRED_E_UNREADABLE,     /* "unreadable": no QR / unsupported prefix */
	CRED_E_ENCODING,       /* "encoding": base45, SHC numeric, base64url */
	CRED_E_INFLATE,	       /* "inflate": DEFLATE/zlib error or inflated size over the limit */
	CRED_E_SYNTAX,	       /* "syntax": JSON/CBOR/COSE/JWS structure, bounds */
	CRED_E_SCHEMA,	       /* "schema": well-formed but not a credential we understand */
	CRED_E_ISSUER_UNKNOWN, /* "issuer-unknown": no trusted key for the issuer/kid */
	CRED_E_SIGNATURE_INVALID, /* "signature-invalid" */
	CRED_E_KEY_USAGE,     /* "key-usage": DCC signer not allowed for this certificate type */
	CRED_E_EXPIRED,	      /* "credential-expired" */
	CRED_E_NOT_YET_VALID, /* "credential-not-yet-valid" */
	CRED_E_REVOKED,	      /* "revoked" */
	CRED_STATUS_COUNT_,
};

enum cred_test_kind {
	CRED_TEST_UNKNOWN = 0,
	CRED_TEST_PCR,			/* nucleic-acid amplification: PCR (DCC LP6464-4) */
	CRED_TEST_LAMP,			/* nucleic-acid amplification: LAMP and others */
	CRED_TEST_ANTIGEN_QUANTITATIVE, /* lab immunoassay, 抗原定量 */
	CRED_TEST_ANTIGEN_RAPID, /* qualitative rapid antigen, 抗原定性 (DCC LP217198-3) */
	CRED_TEST_ANTIBODY,	 /* never accepted: test-type-not-accepted */
};

enum cred_test_result {
	CRED_RESULT_UNKNOWN = 0, /* indeterminate, unknown code or none: test-inconclusive */
	CRED_RESULT_NEGATIVE,	 /* SNOMED 260385009, 260415000 */
	CRED_RESULT_POSITIVE,	 /* SNOMED 10828004, 260373001, 260408008, 720735008 */
};

/*
 * One vaccination. SHC: every completed Immunization, numbered 1..n in date order.
 * DCC: only the last dose, with its own dose number `dn` and series total `sd`.
 */
struct cred_dose {
	unsigned number;	      /* dose number: SHC position in date order, DCC dn */
	unsigned series_total;	      /* DCC sd; 0 for SHC */
	char date[CRED_DATETIME_MAX]; /* date of the dose as written (CRED_DATETIME_MAX) */
	char product[CRED_CODE_MAX];  /* SHC CVX code, DCC mp */
	char target[CRED_CODE_MAX];   /* DCC tg (840539006 = COVID-19); SHC: "840539006" */
	bool covid19;		      /* a COVID-19 vaccine (credential/vaccines.c): only these
				       * count as doses in the rules */
};

struct cred_test {
	enum cred_test_kind kind;
	enum cred_test_result result;
	int64_t collected; /* sample collection, Unix seconds (SHC effectiveDateTime, DCC sc) */
	char type_code[CRED_CODE_MAX];	 /* SHC LOINC code, DCC tt */
	char result_code[CRED_CODE_MAX]; /* SNOMED code as given (SHC valueCodeableConcept, DCC tr)
					  */
};

struct cred_recovery {
	char first_positive[CRED_DATETIME_MAX]; /* DCC fr, as written (CRED_DATETIME_MAX) */
	char valid_from[CRED_DATETIME_MAX];	/* DCC df */
	char valid_until[CRED_DATETIME_MAX];	/* DCC du */
};

struct cred {
	enum cred_format format;
	char issuer[CRED_ISSUER_MAX]; /* SHC iss; DCC iss claim (country code) */
	char kid[CRED_KID_MAX];	      /* SHC kid as in the header; DCC kid in standard base64 */

	/* Personal data: memory only, never logged, stored or sent (see the top of this file). */
	char family[CRED_NAME_MAX];	/* SHC name.family, DCC nam.fn */
	char given[CRED_NAME_MAX];	/* SHC name.given joined by spaces, DCC nam.gn */
	char family_std[CRED_NAME_MAX]; /* DCC nam.fnt (ICAO 9303 transliteration); SHC: empty */
	char given_std[CRED_NAME_MAX];	/* DCC nam.gnt; SHC: empty */
	char dob[CRED_DATE_MAX];	/* birth date, possibly partial or empty */
	char cert_id[CRED_ID_MAX];	/* DCC ci; SHC: empty */

	int64_t issued_at;  /* SHC nbf, DCC iat; 0 when absent */
	int64_t expires_at; /* SHC exp, DCC exp; 0 when absent */

	unsigned n_doses;
	struct cred_dose doses[CRED_MAX_DOSES];
	unsigned n_tests;
	struct cred_test tests[CRED_MAX_TESTS];
	unsigned n_recoveries;
	struct cred_recovery recoveries[CRED_MAX_RECOVERIES];
};

/* The stable error code string of @s ("unreadable", ...), or NULL for CRED_OK. */
const char *cred_status_code(enum cred_status s);

/* "shc", "dcc", or NULL for CRED_FORMAT_NONE. */
const char *cred_format_name(enum cred_format f);

/* "pcr", "lamp", "antigen-quantitative", "antigen-rapid", "antibody", or "unknown". */
const char *cred_test_kind_name(enum cred_test_kind k);

/*
 * Copy an event date (a dose's, a recovery's) into @out as CRED_DATETIME_MAX describes: @s must
 * begin with a real date "YYYY-MM-DD", alone or followed by "T"; a time with an offset is kept
 * (when it fits), anything else after the date is dropped. -EINVAL when the date is not valid.
 */
int cred_date_copy(const char *s, char out[CRED_DATETIME_MAX]);

/* Overwrite the whole record, personal data included, so that it cannot linger in memory. */
void cred_wipe(struct cred *c);

#endif

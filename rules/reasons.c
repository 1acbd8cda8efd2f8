/* SPDX-License-Identifier: MIT */
/*
 * reasons.c - the one table of reason codes (PROGRAMS.md "Reason codes"): code, class and short
 * Japanese and English messages. Changing a code string breaks events and dashboards; messages
 * may be reworded freely.
 */
#include <errno.h>
#include <string.h>

#include "rules/reasons.h"

struct reason_def {
	const char *code;
	bool admit;
	const char *ja;
	const char *en;
};

static const struct reason_def table[RULES_REASON_COUNT_] = {
	[RULES_R_VACCINATED] = { "vaccinated", true, "ワクチン接種済み", "Vaccinated" },
	[RULES_R_TESTED_NEGATIVE] = { "tested-negative", true, "検査結果陰性", "Tested negative" },
	[RULES_R_CHILD_EXEMPT] = { "child-exempt", true, "同居の保護者同伴の子ども（確認不要）",
				   "Child with a cohabiting guardian: exempt" },
	[RULES_R_SCHOOL_ACTIVITY] = { "school-activity", true, "学校行事（対象外）",
				      "School activity: check not applied" },
	[RULES_R_CHECK_NOT_REQUIRED] = { "check-not-required", true, "確認不要",
					 "No check required" },
	[RULES_R_STAFF_VERIFIED] = { "staff-verified", true, "スタッフ確認済み",
				     "Verified by staff" },
	[RULES_R_UNREADABLE] = { "unreadable", false, "読み取れません", "Code could not be read" },
	[RULES_R_SIGNATURE_INVALID] = { "signature-invalid", false, "署名が無効です",
					"Invalid signature" },
	[RULES_R_ISSUER_UNKNOWN] = { "issuer-unknown", false, "発行者を確認できません",
				     "Unknown issuer" },
	[RULES_R_REVOKED] = { "revoked", false, "失効した証明書です", "Certificate revoked" },
	[RULES_R_CREDENTIAL_EXPIRED] = { "credential-expired", false, "証明書の有効期限切れ",
					 "Certificate expired" },
	[RULES_R_CREDENTIAL_NOT_YET_VALID] = { "credential-not-yet-valid", false,
					       "証明書はまだ有効ではありません",
					       "Certificate not yet valid" },
	[RULES_R_VACCINATION_INCOMPLETE] = { "vaccination-incomplete", false,
					     "接種回数が足りません", "Not enough vaccine doses" },
	[RULES_R_VACCINATION_TOO_RECENT] = { "vaccination-too-recent", false,
					     "接種後の必要日数が経過していません",
					     "Too soon after the last required dose" },
	[RULES_R_TEST_EXPIRED] = { "test-expired", false, "検査結果の有効期限切れ",
				   "Test result expired" },
	[RULES_R_TEST_IN_FUTURE] = { "test-in-future", false, "検体採取日時が未来です",
				     "Test collected in the future" },
	[RULES_R_TEST_POSITIVE] = { "test-positive", false, "検査結果陽性：受診・相談センターへ",
				    "Positive test: contact a consultation centre" },
	[RULES_R_TEST_INCONCLUSIVE] = { "test-inconclusive", false, "検査結果が判定不能です",
					"Test result inconclusive" },
	[RULES_R_TEST_TYPE_NOT_ACCEPTED] = { "test-type-not-accepted", false,
					     "この検査は対象外です", "Test type not accepted" },
	[RULES_R_RESIDENCE_NOT_ELIGIBLE] = { "residence-not-eligible", false, "居住地が対象外です",
					     "Residence not eligible" },
	[RULES_R_PROGRAM_INACTIVE] = { "program-inactive", false, "事業の実施期間外です",
				       "Program not active" },
	[RULES_R_PROGRAM_SUSPENDED] = { "program-suspended", false, "事業は停止中です",
					"Program suspended" },
	[RULES_R_CHILD_TEST_REQUIRED] = { "child-test-required", false,
					  "お子様は検査結果が必要です",
					  "Child needs a negative test" },
	[RULES_R_GROUP_MEMBER_FAILED] = { "group-member-failed", false,
					  "グループ内に条件を満たさない方がいます",
					  "A group member did not qualify" },
	[RULES_R_CLOCK_UNSYNCHRONIZED] = { "clock-unsynchronized", false, "時刻が同期していません",
					   "Clock not synchronized" },
	[RULES_R_ALREADY_CHECKED_IN] = { "already-checked-in", false, "確認済みの証明書です",
					 "Already checked in" },
	[RULES_R_BOOKING_INVALID] = { "booking-invalid", false, "予約コードを確認できません",
				      "Booking code not valid" },
	[RULES_R_BOOKING_OTHER_VENUE] = { "booking-other-venue", false, "他の施設の予約コードです",
					  "Booking code for another venue" },
	[RULES_R_BOOKING_NOT_YET_VALID] = { "booking-not-yet-valid", false,
					    "予約コードの利用開始日前です",
					    "Booking code not valid yet" },
	[RULES_R_BOOKING_EXPIRED] = { "booking-expired", false, "予約コードの期限が切れています",
				      "Booking code expired" },
	[RULES_R_INTERNAL_ERROR] = { "internal-error", false, "システムエラー", "Internal error" },
};

const char *rules_reason_code(enum rules_reason r)
{
	if ((unsigned)r >= RULES_REASON_COUNT_)
		return NULL;
	return table[r].code;
}

int rules_reason_lookup(const char *code, enum rules_reason *ret)
{
	if (!code)
		return -ENOENT;
	for (unsigned i = 0; i < RULES_REASON_COUNT_; i++) {
		if (strcmp(table[i].code, code) == 0) {
			*ret = (enum rules_reason)i;
			return 0;
		}
	}
	return -ENOENT;
}

bool rules_reason_admits(enum rules_reason r)
{
	return (unsigned)r < RULES_REASON_COUNT_ && table[r].admit;
}

const char *rules_reason_message(enum rules_reason r, enum rules_lang lang)
{
	if ((unsigned)r >= RULES_REASON_COUNT_)
		return NULL;
	return lang == RULES_LANG_EN ? table[r].en : table[r].ja;
}

/*
 * phone.cc - crm-phone.so: libphonenumber behind the plain C functions of
 * phone-module.h.  crm is not linked with it; phone.c loads it when a
 * phone number is first parsed.  No exception leaves these functions and
 * nothing is printed: libphonenumber's own logger is the null one.
 */
#include <cstdio>
#include <cstring>
#include <set>
#include <utility>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "phone-module.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

/* The library's one instance (thread-safe; it lives until exit). */
const PhoneNumberUtil &util()
{
	return *PhoneNumberUtil::GetInstance();
}

/* Copies s into dst[size], which it must fit; false when it does not. */
bool copy(char *dst, size_t size, const std::string &s)
{
	if (s.size() >= size)
		return false;
	memcpy(dst, s.c_str(), s.size() + 1);
	return true;
}

/* crm's result for libphonenumber's error. */
int result_of(PhoneNumberUtil::ErrorType e)
{
	switch (e) {
	case PhoneNumberUtil::NO_PARSING_ERROR:
		return CRM_PHONE_PARSED;
	case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
		return CRM_PHONE_BAD_COUNTRY;
	case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
	case PhoneNumberUtil::TOO_SHORT_NSN:
		return CRM_PHONE_TOO_SHORT;
	case PhoneNumberUtil::TOO_LONG_NSN:
		return CRM_PHONE_TOO_LONG;
	default:
		return CRM_PHONE_NOT_A_NUMBER;
	}
}

/* Fills *out from the parsed number n. */
int describe(const PhoneNumber &n, struct crm_phone *out)
{
	std::string e164, nsn, region;

	util().Format(n, PhoneNumberUtil::E164, &e164);
	util().GetNationalSignificantNumber(n, &nsn);
	util().GetRegionCodeForNumber(n, &region);
	if (region == "ZZ")
		region.clear();
	if (!copy(out->e164, sizeof(out->e164), e164) ||
	    !copy(out->national, sizeof(out->national), nsn) ||
	    !copy(out->region, sizeof(out->region), region))
		return CRM_PHONE_TOO_LONG;
	out->country_code = n.country_code();
	out->valid = util().IsValidNumber(n);
	out->possible = util().IsPossibleNumber(n);
	out->international = n.country_code_source() !=
			     PhoneNumber::FROM_DEFAULT_COUNTRY;
	return CRM_PHONE_PARSED;
}

/*
 * What libphonenumber is given for typed: when typed holds only digits
 * and the punctuation numbers are written with, just its digits and '+'
 * (the same number to the library, which it parses in half the time);
 * else typed as it is (letters, extensions).
 */
std::string simplified(const char *typed)
{
	std::string s;

	for (const char *p = typed; *p != '\0'; p++) {
		if ((*p >= '0' && *p <= '9') || *p == '+')
			s += *p;
		else if (strchr(" ()-./", *p) == NULL)
			return typed;
	}
	return s;
}

/* Parses typed in region into n and *out. */
int parse(const char *typed, const std::string &region, PhoneNumber *n,
	  struct crm_phone *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (region != "ZZ" && util().GetCountryCodeForRegion(region) == 0)
		return CRM_PHONE_BAD_REGION;
	rc = result_of(util().ParseAndKeepRawInput(simplified(typed), region,
						   n));
	if (rc == CRM_PHONE_PARSED)
		rc = describe(*n, out);
	if (rc != CRM_PHONE_PARSED)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* True when typed holds a '+' before its first digit. */
bool has_plus(const char *typed)
{
	for (; *typed != '\0'; typed++) {
		if (*typed == '+')
			return true;
		if (*typed >= '0' && *typed <= '9')
			return false;
	}
	return false;
}

/* The digits of typed. */
std::string digits_of(const char *typed)
{
	std::string d;

	for (; *typed != '\0'; typed++)
		if (*typed >= '0' && *typed <= '9')
			d += *typed;
	return d;
}

/* Adds p to out[*n] unless it is there or out is full. */
void add(const struct crm_phone &p, struct crm_phone *out, size_t max,
	 size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(out[i].e164, p.e164) == 0)
			return;
	if (*n < max)
		out[(*n)++] = p;
}

/*
 * Adds what typed means dialled from each country other than home whose
 * trunk prefix its digits start with, where it is a valid number: in
 * national form, one of that country's; with the country's international
 * prefix (often 00), any country's.
 */
void add_other_countries(const char *typed, const std::string &home,
			 struct crm_phone *out, size_t max, size_t *n)
{
	std::set<std::string> regions;
	std::string d = digits_of(typed), ndd;
	struct crm_phone p;
	PhoneNumber num;

	std::set<std::pair<int, std::string>> tried;

	util().GetSupportedRegions(&regions);
	for (const std::string &r : regions) {
		if (r == home)
			continue;
		ndd.clear();
		util().GetNddPrefixForRegion(r, true, &ndd);
		if (ndd.empty() || d.compare(0, ndd.size(), ndd) != 0)
			continue;
		/* the countries of one code and trunk prefix read it alike
		 * (the 25 of +1, Russia and Kazakhstan...) */
		if (!tried.emplace(util().GetCountryCodeForRegion(r), ndd).second)
			continue;
		num.Clear();
		if (parse(typed, r, &num, &p) != CRM_PHONE_PARSED)
			continue;
		/* dialled from r: "00 994 ..." is international there */
		if (p.valid)
			add(p, out, max, n);
	}
}

/* The length of region's national numbers: that of its example fixed
 * line number (0 when it has none). */
size_t national_length(const std::string &region)
{
	std::string nsn;
	PhoneNumber ex;

	if (!util().GetExampleNumberForType(region, PhoneNumberUtil::FIXED_LINE,
					    &ex))
		return 0;
	util().GetNationalSignificantNumber(ex, &nsn);
	return nsn.size();
}

/* True when typed, read in region, may be a local number: no '+', and
 * fewer digits than the region's national numbers have. */
bool is_local(const char *typed, const std::string &region)
{
	std::string d = digits_of(typed);

	if (region == "ZZ" || has_plus(typed) || d.empty())
		return false;
	return d.size() < national_length(region);
}

} // namespace

extern "C" int crm_phonemod_abi(void)
{
	return CRM_PHONE_ABI;
}

extern "C" int crm_phonemod_parse(const char *typed, const char *region,
				  struct crm_phone *out)
{
	try {
		PhoneNumber n;

		return parse(typed, region ? region : "ZZ", &n, out);
	} catch (...) {
		memset(out, 0, sizeof(*out));
		return CRM_PHONE_FAILED;
	}
}

extern "C" int crm_phonemod_normalize(const char *typed, const char *region,
				      const char *area_code, char *e164,
				      size_t size)
{
	try {
		std::string home = region ? region : "ZZ", local;
		struct crm_phone p, q;
		PhoneNumber n;
		int rc;

		rc = parse(typed, home, &n, &p);
		if (rc == CRM_PHONE_PARSED && p.valid)
			return copy(e164, size, p.e164) ? 1 : -1;
		if (area_code != NULL && area_code[0] != '\0' &&
		    is_local(typed, home)) {
			local = std::string(area_code) + digits_of(typed);
			n.Clear();
			if (parse(local.c_str(), home, &n, &q) ==
			    CRM_PHONE_PARSED && q.valid)
				return copy(e164, size, q.e164) ? 1 : -1;
		}
		return rc == CRM_PHONE_PARSED ? 0 : -1;
	} catch (...) {
		return -1;
	}
}

extern "C" int crm_phonemod_matches(const char *typed, const char *region,
				    struct crm_phone *out, size_t max)
{
	try {
		std::string home = region ? region : "ZZ";
		struct crm_phone p;
		PhoneNumber num;
		size_t n = 0;

		if (parse(typed, home, &num, &p) == CRM_PHONE_PARSED &&
		    (p.valid || (p.international && p.possible)))
			add(p, out, max, &n);
		if (!has_plus(typed) && (n == 0 || !p.international))
			add_other_countries(typed, home, out, max, &n);
		return (int)n;
	} catch (...) {
		return -1;
	}
}

extern "C" int crm_phonemod_key(const char *typed, const char *region,
				struct crm_phone *out)
{
	try {
		std::string nsn;
		PhoneNumber n;
		int rc;

		memset(out, 0, sizeof(*out));
		rc = result_of(util().Parse(simplified(typed), region, &n));
		if (rc != CRM_PHONE_PARSED)
			return rc;
		util().GetNationalSignificantNumber(n, &nsn);
		if (snprintf(out->e164, sizeof(out->e164), "+%d%s",
			     (int)n.country_code(), nsn.c_str()) >=
		    (int)sizeof(out->e164) ||
		    !copy(out->national, sizeof(out->national), nsn)) {
			memset(out, 0, sizeof(*out));
			return CRM_PHONE_TOO_LONG;
		}
		out->country_code = n.country_code();
		out->possible = util().IsPossibleNumber(n);
		return CRM_PHONE_PARSED;
	} catch (...) {
		memset(out, 0, sizeof(*out));
		return CRM_PHONE_FAILED;
	}
}

extern "C" size_t crm_phonemod_regions(char *buf, size_t size)
{
	try {
		std::set<std::string> regions;
		std::string all;

		util().GetSupportedRegions(&regions);
		for (const std::string &r : regions) {
			if (!all.empty())
				all += ' ';
			all += r;
		}
		if (size > 0) {
			size_t k = all.size() < size ? all.size() : size - 1;

			memcpy(buf, all.data(), k);
			buf[k] = '\0';
		}
		return all.size();
	} catch (...) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
}

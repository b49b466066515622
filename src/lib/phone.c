/*
 * phone.c - phone numbers, crm's side of crm-phone.so (phone.cc), the
 * module that wraps libphonenumber.  Loading libphonenumber with the ICU
 * and protobuf libraries it needs costs milliseconds, more than most crm
 * commands take, so crm is not linked with it: the module is loaded the
 * first time a number is parsed, from where the command-line layer says
 * it lies.  Here too: the regions crm.yaml may name (a table, so that
 * reading crm.yaml needs no module; the unit tests hold it against the
 * library's), and the keys by which the index and queries find numbers.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "phone-module.h"

/* The regions of libphonenumber's metadata, sorted. */
static const char *const regions[] = {
	"AC", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AR", "AS",
	"AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG",
	"BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT",
	"BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK",
	"CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
	"DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER",
	"ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD",
	"GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR",
	"GT", "GU", "GW", "GY", "HK", "HN", "HR", "HT", "HU", "ID", "IE",
	"IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO",
	"JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY",
	"KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
	"LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM",
	"MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX",
	"MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
	"NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL",
	"PM", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU",
	"RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK",
	"SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
	"TA", "TC", "TD", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
	"TR", "TT", "TV", "TW", "TZ", "UA", "UG", "US", "UY", "UZ", "VA",
	"VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT",
	"ZA", "ZM", "ZW",
};

#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

/* Numbers a query's typed number may mean, at most. */
#define MAX_MATCHES 64

/* The module. */
static struct crm_module phone_module = {
	"phone", "crm_phonemod_abi", CRM_PHONE_ABI,
	N_("the phone number module"), N_("read phone numbers"),
	PTHREAD_MUTEX_INITIALIZER,
};

/* Its functions, found once it is loaded (under fns_lock). */
static struct {
	int (*parse)(const char *, const char *, struct crm_phone *);
	int (*key)(const char *, const char *, struct crm_phone *);
	int (*matches)(const char *, const char *, struct crm_phone *, size_t);
	size_t (*regions)(char *, size_t);
	int (*normalize)(const char *, const char *, const char *, char *,
			 size_t);
} mod;
static pthread_mutex_t fns_lock = PTHREAD_MUTEX_INITIALIZER;

/* Finds the module's functions in mod; false when one is missing. */
static bool find_functions(void)
{
	bool ok;

	pthread_mutex_lock(&fns_lock);
	if (mod.parse == NULL) {
		*(void **)&mod.key = crm_module_sym(&phone_module, "crm_phonemod_key");
		*(void **)&mod.matches = crm_module_sym(&phone_module,
							"crm_phonemod_matches");
		*(void **)&mod.regions = crm_module_sym(&phone_module,
							"crm_phonemod_regions");
		*(void **)&mod.normalize = crm_module_sym(&phone_module,
							  "crm_phonemod_normalize");
		if (mod.key && mod.matches && mod.regions && mod.normalize)
			*(void **)&mod.parse = crm_module_sym(&phone_module,
							      "crm_phonemod_parse");
	}
	ok = mod.parse != NULL;
	pthread_mutex_unlock(&fns_lock);
	return ok;
}

/* ---- the module's answers, remembered ----
 *
 * One number is read many times in one command: an import reads it as
 * typed, then its E.164 form to match, to merge, in the change pass and
 * for the index's keys; libphonenumber takes some 10 microseconds each
 * time.  A direct-mapped table keeps the last answer for each text. */

/* Slots of the table, and the longest key it keeps. */
#define MEMO_SLOTS 8192
#define MEMO_KEY 96

/* One answer: of which call (p: parse, n: normalize), for what
 * (the key), and what it gave. */
struct memo {
	char key[MEMO_KEY];
	int rc;
	struct crm_phone p;   /* parse */
	char e164[CRM_PHONE_MAX]; /* normalize */
};

static struct memo *memo;
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

/* The key of a call into key[MEMO_KEY]; false when it is too long to be
 * kept. */
static bool memo_key(char *key, char call, const char *region,
		     const char *area, const char *text)
{
	int n = snprintf(key, MEMO_KEY, "%c%s|%s|%s", call, region, area, text);

	return n > 0 && n < MEMO_KEY;
}

/* The slot of key. */
static size_t memo_slot(const char *key)
{
	return crm_hash(key, strlen(key)) % MEMO_SLOTS;
}

/* The answer kept for key into *out; false when there is none. */
static bool memo_get(const char *key, struct memo *out)
{
	bool found = false;
	size_t i = memo_slot(key);

	pthread_mutex_lock(&memo_lock);
	if (memo && strcmp(memo[i].key, key) == 0) {
		*out = memo[i];
		found = true;
	}
	pthread_mutex_unlock(&memo_lock);
	return found;
}

/* Keeps m (its key set), in place of what its slot held. */
static void memo_put(const struct memo *m)
{
	pthread_mutex_lock(&memo_lock);
	if (memo == NULL)
		memo = calloc(MEMO_SLOTS, sizeof(*memo));
	if (memo)
		memo[memo_slot(m->key)] = *m;
	pthread_mutex_unlock(&memo_lock);
}

/* mod.parse of typed in region, remembered (what mod.key gives is part
 * of it, so one answer serves both). */
static int memo_parse(const char *typed, const char *region,
		      struct crm_phone *out)
{
	struct memo m;
	bool keep = memo_key(m.key, 'p', region, "", typed);

	if (keep && memo_get(m.key, &m)) {
		*out = m.p;
		return m.rc;
	}
	m.rc = mod.parse(typed, region, out);
	if (keep) {
		m.p = *out;
		memo_put(&m);
	}
	return m.rc;
}

/* mod.normalize of typed, remembered. */
static int memo_normalize(const char *typed, const char *region,
			  const char *area, char *e164, size_t size)
{
	struct memo m;
	bool keep = size == CRM_PHONE_MAX &&
		    memo_key(m.key, 'n', region, area, typed);

	if (keep && memo_get(m.key, &m)) {
		memcpy(e164, m.e164, CRM_PHONE_MAX);
		return m.rc;
	}
	m.rc = mod.normalize(typed, region, area, e164, size);
	if (keep) {
		memcpy(m.e164, e164, CRM_PHONE_MAX);
		memo_put(&m);
	}
	return m.rc;
}

int crm_phone_load(struct crm_err *err)
{
	char path[PATH_MAX + 32];

	if (crm_module_load(&phone_module, err) != CRM_OK)
		return CRM_ERR;
	if (find_functions())
		return CRM_OK;
	crm_module_path(phone_module.name, path, sizeof(path));
	return crm_seterr(err, CRM_ERR, _("cannot load %s '%s': not the one "
					  "of this crm\nhint: reinstall crm"),
			  _(phone_module.title), path);
}

int crm_phone_load_status(struct crm_err *err)
{
	return crm_module_failed(&phone_module) ? crm_phone_load(err) : CRM_OK;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool crm_phone_region_known(const char *region)
{
	return region != NULL &&
	       bsearch(&region, regions, NREGIONS, sizeof(regions[0]),
		       by_name) != NULL;
}

const char *crm_phone_region_suggest(const char *region)
{
	/* ISO 3166 calls the United Kingdom GB */
	if (strcmp(region, "UK") == 0 || strcmp(region, "EN") == 0)
		return "GB";
	return NULL;
}

/* Sets err for a number typed that parsing gave result for. */
static int parse_error(const char *typed, const char *region, int result,
		       struct crm_err *err)
{
	switch (result) {
	case CRM_PHONE_BAD_COUNTRY:
		return crm_seterr(err, CRM_EUSAGE,
				  _("'%s' is not a phone number: no country "
				    "has its country code"), typed);
	case CRM_PHONE_TOO_SHORT:
		return crm_seterr(err, CRM_EUSAGE,
				  _("'%s' is too short for a phone number"),
				  typed);
	case CRM_PHONE_TOO_LONG:
		return crm_seterr(err, CRM_EUSAGE,
				  _("'%s' is too long for a phone number"),
				  typed);
	case CRM_PHONE_BAD_REGION:
		return crm_seterr(err, CRM_EUSAGE, _("unknown region '%s'"),
				  region);
	case CRM_PHONE_FAILED:
		return crm_seterr(err, CRM_ERR,
				  _("cannot read '%s' as a phone number"),
				  typed);
	default:
		return crm_seterr(err, CRM_EUSAGE,
				  _("'%s' is not a phone number"), typed);
	}
}

int crm_phone_parse(const char *typed, const char *region,
		    struct crm_phone *out, struct crm_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (!crm_utf8_valid(typed, strlen(typed)))
		return crm_seterr(err, CRM_EUSAGE,
				  _("phone number: invalid UTF-8"));
	if (region != NULL && !crm_phone_region_known(region))
		return parse_error(typed, region, CRM_PHONE_BAD_REGION, err);
	if ((rc = crm_phone_load(err)) != CRM_OK)
		return rc;
	rc = memo_parse(typed, region ? region : "ZZ", out);
	return rc == CRM_PHONE_PARSED ? CRM_OK
				      : parse_error(typed, region, rc, err);
}

/* True for the ASCII blanks and the no-break space (U+00A0). */
static size_t blank_at(const char *s)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	return (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0 ? 2 : 0;
}

/* typed without the blanks around it, into buf[size]; false when it
 * does not fit. */
static bool trim(const char *typed, char *buf, size_t size)
{
	size_t k, n, last = 0;

	while ((k = blank_at(typed)) > 0)
		typed += k;
	for (n = 0; typed[n] != '\0'; n += k) {
		k = blank_at(typed + n);
		if (k == 0) {
			k = 1;
			last = n + 1;
		}
	}
	if (last >= size)
		return false;
	memcpy(buf, typed, last);
	buf[last] = '\0';
	return true;
}

/* True when s holds a digit. */
static bool has_digit(const char *s)
{
	return strpbrk(s, "0123456789") != NULL;
}

/* True when t is a valid number in its E.164 form: what a stored phone
 * is, read again by every change (one answer with the parses of
 * matching and merging). */
static bool stored_e164(const char *t, const char *region)
{
	struct crm_phone p;

	return crm_phone_is_e164(t) &&
	       memo_parse(t, region, &p) == CRM_PHONE_PARSED && p.valid &&
	       strcmp(p.e164, t) == 0;
}

int crm_phone_normalize(const char *typed, const struct crm_config *cfg,
			char e164[CRM_PHONE_MAX], enum crm_phone_norm *how,
			struct crm_err *err)
{
	const char *region = cfg ? cfg->default_region : "ZZ";
	const char *area = cfg ? cfg->default_area_code : "";
	char t[CRM_PHONE_MAX];
	bool fits = trim(typed, t, sizeof(t));
	int rc;

	*how = CRM_PHONE_AS_TYPED;
	e164[0] = '\0';
	if (!crm_utf8_valid(typed, strlen(typed)))
		return crm_seterr(err, CRM_ERR,
				  _("phone number: invalid UTF-8"));
	if (fits && !has_digit(t))
		return crm_seterr(err, CRM_ERR,
				  _("'%s' is not a phone number"), t);
	if (crm_phone_load(NULL) != CRM_OK) {
		/* without the module numbers are kept as typed */
		if (fits)
			memcpy(e164, t, strlen(t) + 1);
		return fits ? CRM_OK
			    : crm_seterr(err, CRM_ERR, _("'%s' is too long "
					 "for a phone number"), typed);
	}
	if (fits && stored_e164(t, region[0] ? region : "ZZ")) {
		memcpy(e164, t, strlen(t) + 1);
		*how = CRM_PHONE_E164;
		return CRM_OK;
	}
	rc = memo_normalize(fits ? t : typed, region[0] ? region : "ZZ", area,
			   e164, CRM_PHONE_MAX);
	if (rc == 1) {
		*how = fits && strcmp(t, e164) == 0 ? CRM_PHONE_E164
						    : CRM_PHONE_NORMALISED;
		return CRM_OK;
	}
	e164[0] = '\0';
	if (!fits)
		return crm_seterr(err, CRM_ERR, _("'%s' is too long for a "
				  "phone number"), typed);
	if (rc < 0)
		return crm_seterr(err, CRM_ERR, _("'%s' is not a phone number"),
				  t);
	memcpy(e164, t, strlen(t) + 1);
	return CRM_OK;
}

bool crm_phone_is_e164(const char *s)
{
	size_t n;

	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	n = strspn(s + 1, "0123456789");
	return s[1 + n] == '\0' && n >= 2 && n <= 15;
}

const char *crm_phone_shown(const char *phone, const struct crm_node *typed)
{
	const char *s;

	if (typed == NULL || typed->kind != CRM_NODE_MAP)
		return phone;
	s = crm_map_str(typed, phone);
	return s && s[0] ? s : phone;
}

int crm_phone_matches(const char *typed, const char *region,
		      struct crm_phone **out, size_t *n, struct crm_err *err)
{
	struct crm_phone found[MAX_MATCHES];
	int rc, k;

	*out = NULL;
	*n = 0;
	if (!crm_utf8_valid(typed, strlen(typed)) ||
	    (region != NULL && !crm_phone_region_known(region)))
		return CRM_OK;
	if ((rc = crm_phone_load(err)) != CRM_OK)
		return rc;
	k = mod.matches(typed, region ? region : "ZZ", found, MAX_MATCHES);
	if (k < 0)
		return crm_seterr(err, CRM_ERR,
				  _("cannot read '%s' as a phone number"),
				  typed);
	if (k == 0)
		return CRM_OK;
	*out = crm_xcalloc((size_t)k, sizeof(**out));
	memcpy(*out, found, (size_t)k * sizeof(**out));
	*n = (size_t)k;
	return CRM_OK;
}

int crm_phone_module_regions(char **out, struct crm_err *err)
{
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = crm_phone_load(err)) != CRM_OK)
		return rc;
	len = mod.regions(NULL, 0);
	*out = crm_xmalloc(len + 1);
	mod.regions(*out, len + 1);
	return CRM_OK;
}

/* Appends the digits of s as the private-use characters U+E000..U+E009. */
static void key_digits(struct crm_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			continue;
		/* U+E000 + d in UTF-8: EE 80 80+d */
		crm_buf_addc(b, (char)0xee);
		crm_buf_addc(b, (char)0x80);
		crm_buf_addc(b, (char)(0x80 + (*s - '0')));
	}
}

void crm_phone_key(struct crm_buf *b, const struct crm_phone *p)
{
	char cc[16];

	/* The E.164 form, written with characters nobody types, so that
	 * the key is found only by the keys of a query's number: a search
	 * for "7 383" or "7383" must not match inside it. */
	snprintf(cc, sizeof(cc), "%d", p->country_code);
	crm_buf_addc(b, '+');
	key_digits(b, cc);
	key_digits(b, p->national);
	crm_buf_addc(b, ';');
}

void crm_phone_index_keys(struct crm_buf *b, const char *phones,
			  const char *region)
{
	struct crm_phone p;
	const char *line, *nl;
	char *one, *d;

	for (line = phones; line != NULL && *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		one = nl ? crm_xstrndup(line, (size_t)(nl - line))
			 : crm_xstrdup(line);
		nl = nl ? nl + 1 : NULL;
		d = crm_phone_digits(one);
		if (d != NULL && crm_phone_load(NULL) == CRM_OK &&
		    memo_parse(one, region ? region : "ZZ", &p) ==
		    CRM_PHONE_PARSED && p.possible) {
			crm_buf_addc(b, '\n');
			crm_phone_key(b, &p);
		}
		free(d);
		free(one);
	}
}

/* True when typed, a phone-like query term, has digits enough to be a
 * whole number, not a fragment to look for among the digits. */
static bool whole_number(const char *typed)
{
	size_t n = 0;

	for (; *typed != '\0'; typed++)
		if (*typed >= '0' && *typed <= '9')
			n++;
	return n >= CRM_PHONE_QUERY_DIGITS;
}

int crm_phone_query_keys(const char *typed, const char *region,
			 struct crm_buf *lit, struct crm_err *err)
{
	struct crm_phone *p;
	size_t i, n;
	char *d;
	int rc;

	if ((d = crm_phone_digits(typed)) == NULL)
		return CRM_OK;
	free(d);
	if (!whole_number(typed))
		return CRM_OK;
	if ((rc = crm_phone_matches(typed, region, &p, &n, err)) != CRM_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if (lit->len)
			crm_buf_adds(lit, " OR ");
		crm_buf_addc(lit, '"');
		crm_phone_key(lit, &p[i]);
		crm_buf_addc(lit, '"');
	}
	free(p);
	return CRM_OK;
}

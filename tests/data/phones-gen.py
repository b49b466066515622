#!/usr/bin/python3
# phones-gen.py - writes phones.tsv: numbers of eight countries typed the
# ways people type them, with the E.164 form libphonenumber's metadata
# gives each (python3-phonenumbers, the Python port of libphonenumber
# with the same metadata), or "invalid".  The numbers are the
# countries' example numbers of several types, so that every row comes
# from the metadata, not from a hand's guess.
#
#   /usr/bin/python3 tests/data/phones-gen.py >tests/data/phones.tsv
import re
import sys

import phonenumbers as pn
from phonenumbers import PhoneNumberFormat as F
from phonenumbers import PhoneNumberType as T

REGIONS = ["RU", "AZ", "KZ", "UA", "TR", "GB", "DE", "US"]
TYPES = [T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.PREMIUM_RATE, T.VOIP,
         T.UAN, T.PERSONAL_NUMBER, T.SHARED_COST]

# Numbers as the brief of crm's phones names them, and numbers that are
# no valid ones (too short, too long, of no range), in the region given.
HAND = [
    ("+7 (495) 123-45-67", "RU"), ("8 495 1234567", "RU"),
    ("8-10-49-30-123456", "RU"), ("+994 50 123 45 67", "RU"),
    ("(050) 123-45-67", "AZ"), ("0 (532) 123 45 67", "TR"),
    ("020 7946 0958", "GB"), ("030 123456", "DE"), ("(212) 555-0123", "US"),
    ("8 (903) 555-12-34", "RU"), ("+7 903 555-12-35", "RU"),
    ("8 (701) 123-45-67", "KZ"), ("+7 701 123 45 67", "RU"),
    ("050 321 65 87", "AZ"), ("(012) 404 00 00", "AZ"),
    ("00 994 12 404 00 00", "AZ"), ("+1 202 456 1111", "RU"),
    ("1 (202) 456-1111", "US"), ("+49 30 1234567", "RU"),
    ("+380 44 123 4567", "UA"), ("044 123 4567", "UA"),
    ("0 (212) 123 45 67", "TR"), ("+90 532 123 45 67", "TR"),
    ("07400 123456", "GB"), ("+44 20 7946 0958", "GB"),
    ("0151 12345678", "DE"), ("+49 (0)30 123456", "DE"),
    ("212.555.0123", "US"), ("+1-212-555-0123", "US"),
    # no valid numbers
    ("+7 999 123", "RU"), ("12345", "RU"), ("1234", "RU"),
    ("123-45-67", "RU"), ("+7 12", "RU"), ("8 000 000-00-00", "RU"),
    ("+44 20 7946 095", "GB"), ("+1 212 555 01234", "US"),
    ("+994 99 123 45 67", "AZ"), ("000 000", "DE"), ("+90 000 000 00 00", "TR"),
    ("+380 00 000 0000", "UA"), ("(000) 000-0000", "US"),
    ("+7 (999) 555-01", "RU"), ("+49 1", "DE"),
]


def expected(typed, region):
    """The E.164 form of typed read in region when valid, else invalid."""
    try:
        n = pn.parse(typed, region)
    except pn.NumberParseException:
        return "invalid"
    if not pn.is_valid_number(n):
        return "invalid"
    return pn.format_number(n, F.E164)


def forms(n, region):
    """The ways a person may type the number n of region."""
    intl = pn.format_number(n, F.INTERNATIONAL)
    nat = pn.format_number(n, F.NATIONAL)
    e164 = pn.format_number(n, F.E164)
    cc = str(n.country_code)
    nsn = pn.national_significant_number(n)
    out = [intl, nat, e164, " " + intl + " ", "\t" + nat + "  ",
           "00 " + cc + " " + nsn,
           re.sub(r"[ ()-]+", ".", nat).strip("."),
           re.sub(r"[ ()]+", "-", nat).strip("-"),
           re.sub(r"\D", "", nat)]
    if region != "RU":
        # the same number dialled from Russia: +, and 8 10
        out.append((intl, "RU"))
        out.append(("8-10-" + cc + "-" + nsn, "RU"))
    return out


def main():
    rows = []
    seen = set()
    for region in REGIONS:
        for t in TYPES:
            n = pn.example_number_for_type(region, t)
            if n is None:
                continue
            for f in forms(n, region):
                typed, r = f if isinstance(f, tuple) else (f, region)
                if (typed, r) not in seen:
                    seen.add((typed, r))
                    rows.append((typed, r))
    for typed, r in HAND:
        if (typed, r) not in seen:
            seen.add((typed, r))
            rows.append((typed, r))
    print("# typed\tregion\texpected E.164 or invalid (tests/data/phones-gen.py,"
          " python3-phonenumbers %s)" % pn.__version__)
    for typed, r in rows:
        assert "\t" not in typed.strip() and "\n" not in typed
        print("%s\t%s\t%s" % (typed.replace("\t", "\\t"), r, expected(typed, r)))


if __name__ == "__main__":
    sys.exit(main())

/*
 * regex.cc - the regular expressions of libpprof's filters, in RE2.
 *
 * Why RE2: pprof's options take Go regexps, and Go's regexp is RE2: the
 * same syntax (Perl's classes, (?i) and the other flags, non-greedy
 * repeats, \pL, \Q...\E, \z, (?P<name>...), [[:alpha:]]), the same
 * semantics (leftmost-first, UTF-8, ^ and $ at the ends of the text
 * without (?m)), and the same refusals (backreferences, lookaround,
 * possessive repeats, \Z, counts above 1000). So a user's expression
 * selects the same samples in both tools. And RE2 matches in time linear
 * in the text, where a backtracking matcher (or glibc's regexec) takes
 * quadratic or exponential time on a profile's hostile names. PCRE2 would
 * backtrack and need a syntax filter of our own.
 *
 * RE2's default options (posix_syntax off, UTF-8) are Go's regexp.Compile
 * flags (syntax.Perl: ClassNL, OneLine, PerlX, UnicodeGroups, and Perl's
 * classes and \b). The one thing RE2 takes that Go refuses, \C (any
 * byte), is refused here. RE2 may throw std::bad_alloc: every entry point
 * catches it, so no exception reaches C.
 */
#include "regex.h"

#include <cstring>
#include <new>
#include <vector>

#include <re2/re2.h>

struct pp_regex {
	RE2 re;
	pp_regex(const char *pattern, const RE2::Options &options) : re(pattern, options)
	{
	}
};

/* Whether pattern uses \C outside \Q...\E: RE2's any byte, which Go's
 * regexp refuses as an invalid escape. */
static bool has_any_byte_escape(const char *pattern)
{
	for (const char *s = pattern; *s; s++) {
		if (*s != '\\')
			continue;
		if (s[1] == 'C')
			return true;
		if (s[1] == 'Q') {
			const char *end = std::strstr(s + 2, "\\E");
			if (!end)
				return false;
			s = end;
		}
		if (s[1])
			s++;
	}
	return false;
}

/* Copies text into why, cut to fit. */
static void say(char *why, size_t why_size, const char *text)
{
	if (why_size == 0)
		return;
	std::strncpy(why, text, why_size - 1);
	why[why_size - 1] = '\0';
}

extern "C" int pp_regex_compile(const char *pattern, pp_regex **out, char *why, size_t why_size)
{
	*out = nullptr;
	if (has_any_byte_escape(pattern)) {
		say(why, why_size, "invalid escape sequence: \\C");
		return PP_REGEX_SYNTAX;
	}
	try {
		RE2::Options options;
		options.set_log_errors(false);
		pp_regex *re = new pp_regex(pattern, options);
		if (re->re.ok()) {
			*out = re;
			return PP_REGEX_OK;
		}
		say(why, why_size, re->re.error().c_str()); /* "pattern too large" too: Go
		                                                 has limits of its own */
		delete re;
		return PP_REGEX_SYNTAX;
	} catch (...) {
		say(why, why_size, "out of memory");
		return PP_REGEX_NOMEM;
	}
}

extern "C" void pp_regex_free(pp_regex *re)
{
	delete re;
}

extern "C" size_t pp_regex_groups(const pp_regex *re)
{
	return (size_t)re->re.NumberOfCapturingGroups();
}

extern "C" int pp_regex_match(const pp_regex *re, const char *text, size_t len)
{
	try {
		return re->re.Match(re2::StringPiece(len ? text : "", len), 0, len, RE2::UNANCHORED,
		                    nullptr, 0);
	} catch (...) {
		return -1;
	}
}

/* pp_regex_search with room for the groups in sub. */
static int search(const RE2 &re, re2::StringPiece text, size_t from, ptrdiff_t *m, size_t n_groups,
                  re2::StringPiece *sub)
{
	if (!re.Match(text, from, text.size(), RE2::UNANCHORED, sub, (int)n_groups))
		return 0;
	for (size_t i = 0; i < n_groups; i++) {
		bool took_part = sub[i].data() != nullptr;
		m[2 * i] = took_part ? sub[i].data() - text.data() : -1;
		m[2 * i + 1] = took_part ? m[2 * i] + (ptrdiff_t)sub[i].size() : -1;
	}
	return 1;
}

extern "C" int pp_regex_search(const pp_regex *re, const char *text, size_t len, size_t from,
                               ptrdiff_t *m, size_t n_groups)
{
	re2::StringPiece whole(len ? text : "", len);

	try {
		if (n_groups <= 16) {
			re2::StringPiece sub[16];
			return search(re->re, whole, from, m, n_groups, sub);
		}
		std::vector<re2::StringPiece> sub(n_groups);
		return search(re->re, whole, from, m, n_groups, sub.data());
	} catch (...) {
		return -1;
	}
}

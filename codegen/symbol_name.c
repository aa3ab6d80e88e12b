/*
 * symbol_name.c - which function names a compiled program may take: a C
 * identifier that is no keyword of C or C++, not reserved, and no name the
 * C library, POSIX or the runtime define (the program would take over
 * that function, or call itself where it meant the other).
 */
#include <string.h>

#include "cg.h"

/* C23's keywords (the older spellings start with '_', refused apart). */
static const char *const c_keywords[] = {
	"alignas", "alignof", "auto", "bool", "break", "case", "char", "const",
	"constexpr", "continue", "default", "do", "double", "else", "enum", "extern",
	"false", "float", "for", "goto", "if", "inline", "int", "long", "nullptr",
	"register", "restrict", "return", "short", "signed", "sizeof", "static",
	"static_assert", "struct", "switch", "thread_local", "true", "typedef", "typeof",
	"typeof_unqual", "union", "unsigned", "void", "volatile", "while",
};

/* C++'s keywords beyond C's: the header is included from C++ too. */
static const char *const cxx_keywords[] = {
	"and", "and_eq", "asm", "bitand", "bitor", "catch", "char16_t", "char32_t",
	"char8_t", "class", "co_await", "co_return", "co_yield", "compl", "concept",
	"const_cast", "consteval", "constinit", "decltype", "delete", "dynamic_cast",
	"explicit", "export", "friend", "mutable", "namespace", "new", "noexcept", "not",
	"not_eq", "operator", "or", "or_eq", "private", "protected", "public",
	"reinterpret_cast", "requires", "static_cast", "template", "this", "throw", "try",
	"typeid", "typename", "using", "virtual", "wchar_t", "xor", "xor_eq",
};

/* Functions of the C library (C11 and C23) and common POSIX ones. */
static const char *const libc_names[] = {
	"abort", "abs", "accept", "access", "acos", "acosf", "acosh", "acoshf", "acoshl",
	"acosl", "alarm", "aligned_alloc", "asctime", "asin", "asinf", "asinh", "asinhf",
	"asinhl", "asinl", "assert", "at_quick_exit", "atan", "atan2", "atan2f", "atan2l",
	"atanf", "atanh", "atanhf", "atanhl", "atanl", "atexit", "atof", "atoi", "atol",
	"atoll", "bind", "brk", "bsearch", "btowc", "c16rtomb", "c32rtomb", "cabs",
	"cacos", "call_once", "calloc", "carg", "casin", "catan", "cbrt", "cbrtf", "cbrtl",
	"ccos", "ceil", "ceilf", "ceill", "cexp", "chdir", "chmod", "chown", "cimag",
	"clearerr", "clock", "clock_gettime", "clock_nanosleep", "clog", "close",
	"closedir", "cnd_broadcast", "cnd_destroy", "cnd_init", "cnd_signal",
	"cnd_timedwait", "cnd_wait", "conj", "connect", "copysign", "copysignf",
	"copysignl", "cos", "cosf", "cosh", "coshf", "coshl", "cosl", "cpow", "cproj",
	"creal", "creat", "csin", "csqrt", "ctan", "ctime", "difftime", "div", "dlclose",
	"dlerror", "dlopen", "dlsym", "dup", "dup2", "environ", "erf", "erfc", "erfcf",
	"erfcl", "erff", "erfl", "execl", "execle", "execlp", "execv", "execve", "execvp",
	"exit", "exp", "exp2", "exp2f", "exp2l", "expf", "expl", "expm1", "expm1f",
	"expm1l", "fabs", "fabsf", "fabsl", "fchmod", "fchown", "fclose", "fcntl", "fdim",
	"fdimf", "fdiml", "fdopen", "feclearexcept", "fegetenv", "fegetexceptflag",
	"fegetround", "feholdexcept", "feof", "feraiseexcept", "ferror", "fesetenv",
	"fesetexceptflag", "fesetround", "fetestexcept", "feupdateenv", "fflush", "fgetc",
	"fgetpos", "fgets", "fgetwc", "fgetws", "fileno", "floor", "floorf", "floorl",
	"fma", "fmaf", "fmal", "fmax", "fmaxf", "fmaxl", "fmin", "fminf", "fminl", "fmod",
	"fmodf", "fmodl", "fopen", "fork", "fprintf", "fputc", "fputs", "fputwc", "fputws",
	"fread", "free", "freopen", "frexp", "frexpf", "frexpl", "fscanf", "fseek",
	"fsetpos", "fstat", "fsync", "ftell", "ftruncate", "fwide", "fwprintf", "fwrite",
	"fwscanf", "getc", "getchar", "getcwd", "getenv", "getpid", "getppid", "gets",
	"gettimeofday", "getuid", "getwc", "getwchar", "gmtime", "hypot", "hypotf",
	"hypotl", "ilogb", "ilogbf", "ilogbl", "imaxabs", "imaxdiv", "ioctl", "isalnum",
	"isalpha", "isblank", "iscntrl", "isdigit", "isgraph", "islower", "isprint",
	"ispunct", "isspace", "isupper", "iswalnum", "iswalpha", "iswblank", "iswcntrl",
	"iswctype", "iswdigit", "iswgraph", "iswlower", "iswprint", "iswpunct", "iswspace",
	"iswupper", "iswxdigit", "isxdigit", "kill", "labs", "ldexp", "ldexpf", "ldexpl",
	"ldiv", "lgamma", "lgammaf", "lgammal", "link", "listen", "llabs", "lldiv",
	"llrint", "llround", "localeconv", "localtime", "log", "log10", "log10f", "log10l",
	"log1p", "log1pf", "log1pl", "log2", "log2f", "log2l", "logb", "logbf", "logbl",
	"logf", "logl", "longjmp", "lrint", "lround", "lseek", "lstat", "madvise",
	"malloc", "mblen", "mbrlen", "mbrtoc16", "mbrtoc32", "mbrtowc", "mbsinit",
	"mbsrtowcs", "mbstowcs", "mbtowc", "memalign", "memchr", "memcmp", "memcpy",
	"memmove", "memset", "mkdir", "mktime", "mmap", "modf", "modff", "modfl",
	"mprotect", "mtx_destroy", "mtx_init", "mtx_lock", "mtx_timedlock", "mtx_trylock",
	"mtx_unlock", "munmap", "nan", "nanf", "nanl", "nanosleep", "nearbyint",
	"nextafter", "nexttoward", "open", "opendir", "perror", "pipe", "poll",
	"posix_memalign", "pow", "powf", "powl", "pread", "printf", "pthread_create",
	"pthread_join", "pthread_mutex_lock", "pthread_mutex_unlock", "pthread_self",
	"putc", "putchar", "puts", "putwc", "putwchar", "pwrite", "qsort", "quick_exit",
	"raise", "rand", "read", "readdir", "readlink", "realloc", "recv", "remainder",
	"remove", "remquo", "rename", "rewind", "rint", "rmdir", "round", "sbrk",
	"scalbln", "scalbn", "scanf", "select", "send", "sendto", "setbuf", "setenv",
	"setjmp", "setlocale", "setvbuf", "sigaction", "signal", "sin", "sinf", "sinh",
	"sinhf", "sinhl", "sinl", "sleep", "snprintf", "socket", "sprintf", "sqrt",
	"sqrtf", "sqrtl", "srand", "sscanf", "stat", "strcat", "strchr", "strcmp",
	"strcoll", "strcpy", "strcspn", "strdup", "strerror", "strftime", "strlen",
	"strncat", "strncmp", "strncpy", "strndup", "strpbrk", "strrchr", "strspn",
	"strstr", "strtod", "strtof", "strtoimax", "strtok", "strtol", "strtold",
	"strtoll", "strtoul", "strtoull", "strtoumax", "strxfrm", "swprintf", "swscanf",
	"symlink", "sysconf", "system", "tan", "tanf", "tanh", "tanhf", "tanhl", "tanl",
	"tgamma", "tgammaf", "tgammal", "thrd_create", "thrd_current", "thrd_detach",
	"thrd_equal", "thrd_exit", "thrd_join", "thrd_sleep", "thrd_yield", "time",
	"timespec_get", "tmpfile", "tmpnam", "tolower", "toupper", "towctrans", "towlower",
	"towupper", "trunc", "truncate", "truncf", "truncl", "tss_create", "tss_delete",
	"tss_get", "tss_set", "ungetc", "ungetwc", "unlink", "unsetenv", "usleep",
	"valloc", "vfprintf", "vfscanf", "vfwprintf", "vfwscanf", "vprintf", "vscanf",
	"vsnprintf", "vsprintf", "vsscanf", "vswprintf", "vswscanf", "vwprintf", "vwscanf",
	"wait", "waitpid", "wcrtomb", "wcscat", "wcschr", "wcscmp", "wcscoll", "wcscpy",
	"wcscspn", "wcsftime", "wcslen", "wcsncat", "wcsncmp", "wcsncpy", "wcspbrk",
	"wcsrchr", "wcsrtombs", "wcsspn", "wcsstr", "wcstod", "wcstof", "wcstoimax",
	"wcstok", "wcstol", "wcstold", "wcstoll", "wcstombs", "wcstoul", "wcstoull",
	"wcstoumax", "wcsxfrm", "wctob", "wctomb", "wctrans", "wctype", "wmemchr",
	"wmemcmp", "wmemcpy", "wmemmove", "wmemset", "wprintf", "write", "wscanf",
};

/* Whether "name" is one of the "n" words of "list". */
static int listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

/* Whether "name" is a C identifier: a letter or '_', then letters,
 * digits and '_' (ASCII). */
static int is_identifier(const char *name)
{
	if (!*name || (*name >= '0' && *name <= '9'))
		return 0;
	for (const char *p = name; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

/* Whether "name" ("n" bytes) has the form of a limit macro of the C
 * library: upper case, ending in _MAX, _MIN, _WIDTH or _C. */
static int is_upper_macro(const char *name, size_t n)
{
	static const char *const ends[] = {"_MAX", "_MIN", "_WIDTH", "_C"};
	for (const char *p = name; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			return 0;
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		size_t e = strlen(ends[i]);
		if (n > e && strcmp(name + n - e, ends[i]) == 0)
			return 1;
	}
	return 0;
}

#define LISTED(name, list) listed((name), (list), sizeof(list) / sizeof((list)[0]))

const char *cg_name_problem(const char *name)
{
	size_t n = strlen(name);
	if (!is_identifier(name))
		return "is not a C identifier";
	if (LISTED(name, c_keywords))
		return "is a C keyword";
	if (LISTED(name, cxx_keywords))
		return "is a C++ keyword (the header is included from C++ too)";
	if (name[0] == '_')
		return "is reserved: C reserves names that start with '_' at file scope";
	if (n > 2 && strcmp(name + n - 2, "_t") == 0)
		return "is reserved: POSIX reserves names that end in '_t' (<stdint.h>'s types)";
	if (is_upper_macro(name, n))
		return "is reserved: <stdint.h> and <limits.h> name their macros so";
	if (strncmp(name, "einc_rt_", strlen("einc_rt_")) == 0)
		return "clashes with the runtime, whose functions start with 'einc_rt_'";
	if (strcmp(name, "main") == 0)
		return "is the program's entry point";
	if (LISTED(name, libc_names))
		return "is a C library function: the kernel would replace it in the program "
		       "that links it";
	return NULL;
}

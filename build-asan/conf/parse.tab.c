/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison implementation for Yacc-like parsers in C

   Copyright (C) 1984, 1989-1990, 2000-2015, 2018-2021 Free Software Foundation,
   Inc.

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* As a special exception, you may create a larger work that contains
   part or all of the Bison parser skeleton and distribute that work
   under terms of your choice, so long as that work isn't itself a
   parser generator using the skeleton or a modified version thereof
   as a parser skeleton.  Alternatively, if you modify or redistribute
   the parser skeleton itself, you may (at your option) remove this
   special exception, which will cause the skeleton and the resulting
   Bison output files to be licensed under the GNU General Public
   License without this special exception.

   This special exception was added by the Free Software Foundation in
   version 2.2 of Bison.  */

/* C LALR(1) parser skeleton written by Richard Stallman, by
   simplifying the original so-called "semantic" parser.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

/* All symbols defined below should begin with yy or YY, to avoid
   infringing on user name space.  This should be done even for local
   variables, as they might otherwise be expanded by user macros.
   There are some unavoidable exceptions within include files to
   define necessary library symbols; they are noted "INFRINGES ON
   USER NAME SPACE" below.  */

/* Identify Bison output, and Bison version.  */
#define YYBISON 30802

/* Bison version string.  */
#define YYBISON_VERSION "3.8.2"

/* Skeleton name.  */
#define YYSKELETON_NAME "yacc.c"

/* Pure parsers.  */
#define YYPURE 2

/* Push parsers.  */
#define YYPUSH 0

/* Pull parsers.  */
#define YYPULL 1

/* Substitute the type names.  */
#define YYSTYPE         CONF_YYSTYPE
#define YYLTYPE         CONF_YYLTYPE
/* Substitute the variable and function names.  */
#define yyparse         conf_yyparse
#define yylex           conf_yylex
#define yyerror         conf_yyerror
#define yydebug         conf_yydebug
#define yynerrs         conf_yynerrs


# ifndef YY_CAST
#  ifdef __cplusplus
#   define YY_CAST(Type, Val) static_cast<Type> (Val)
#   define YY_REINTERPRET_CAST(Type, Val) reinterpret_cast<Type> (Val)
#  else
#   define YY_CAST(Type, Val) ((Type) (Val))
#   define YY_REINTERPRET_CAST(Type, Val) ((Type) (Val))
#  endif
# endif
# ifndef YY_NULLPTR
#  if defined __cplusplus
#   if 201103L <= __cplusplus
#    define YY_NULLPTR nullptr
#   else
#    define YY_NULLPTR 0
#   endif
#  else
#   define YY_NULLPTR ((void*)0)
#  endif
# endif

#include "conf/parse.tab.h"
/* Symbol kind.  */
enum yysymbol_kind_t
{
  YYSYMBOL_YYEMPTY = -2,
  YYSYMBOL_YYEOF = 0,                      /* "end of file"  */
  YYSYMBOL_YYerror = 1,                    /* error  */
  YYSYMBOL_YYUNDEF = 2,                    /* "invalid token"  */
  YYSYMBOL_ASN = 3,                        /* "asn"  */
  YYSYMBOL_ROUTER_ID = 4,                  /* "router-id"  */
  YYSYMBOL_NETWORK = 5,                    /* "network"  */
  YYSYMBOL_VPN = 6,                        /* "vpn"  */
  YYSYMBOL_LOCAL = 7,                      /* "local"  */
  YYSYMBOL_PEER_ASN = 8,                   /* "peer-asn"  */
  YYSYMBOL_IKE = 9,                        /* "ike"  */
  YYSYMBOL_ESP = 10,                       /* "esp"  */
  YYSYMBOL_PROPOSAL = 11,                  /* "proposal"  */
  YYSYMBOL_LIFETIME = 12,                  /* "lifetime"  */
  YYSYMBOL_FORCE = 13,                     /* "force"  */
  YYSYMBOL_DPD = 14,                       /* "dpd"  */
  YYSYMBOL_INTERVAL = 15,                  /* "interval"  */
  YYSYMBOL_TIMEOUT = 16,                   /* "timeout"  */
  YYSYMBOL_STEERING = 17,                  /* "steering"  */
  YYSYMBOL_ACTIVE_STANDBY = 18,            /* "active-standby"  */
  YYSYMBOL_ECMP = 19,                      /* "ecmp"  */
  YYSYMBOL_STARTUP = 20,                   /* "startup"  */
  YYSYMBOL_INITIATE = 21,                  /* "initiate"  */
  YYSYMBOL_RESPOND = 22,                   /* "respond"  */
  YYSYMBOL_REPLAY_WINDOW = 23,             /* "replay-window"  */
  YYSYMBOL_HOLD_TIME = 24,                 /* "hold-time"  */
  YYSYMBOL_TUNNEL = 25,                    /* "tunnel"  */
  YYSYMBOL_REMOTE = 26,                    /* "remote"  */
  YYSYMBOL_INSIDE = 27,                    /* "inside"  */
  YYSYMBOL_PSK = 28,                       /* "psk"  */
  YYSYMBOL_PSK_FILE = 29,                  /* "psk-file"  */
  YYSYMBOL_INTERFACE = 30,                 /* "interface"  */
  YYSYMBOL_MTU = 31,                       /* "mtu"  */
  YYSYMBOL_LOCAL_ID = 32,                  /* "local-id"  */
  YYSYMBOL_REMOTE_ID = 33,                 /* "remote-id"  */
  YYSYMBOL_FAILOVER = 34,                  /* "failover"  */
  YYSYMBOL_SPLIT = 35,                     /* "split"  */
  YYSYMBOL_HOLD_DOWN = 36,                 /* "hold-down"  */
  YYSYMBOL_NEIGHBOR = 37,                  /* "neighbor"  */
  YYSYMBOL_REMOTE_AS = 38,                 /* "remote-as"  */
  YYSYMBOL_DESCRIPTION = 39,               /* "description"  */
  YYSYMBOL_CONTROL = 40,                   /* "control"  */
  YYSYMBOL_GROUP = 41,                     /* "group"  */
  YYSYMBOL_ADMIN_GROUP = 42,               /* "admin-group"  */
  YYSYMBOL_WORD = 43,                      /* "word"  */
  YYSYMBOL_STRING = 44,                    /* "quoted string"  */
  YYSYMBOL_45_ = 45,                       /* ';'  */
  YYSYMBOL_46_ = 46,                       /* '{'  */
  YYSYMBOL_47_ = 47,                       /* '}'  */
  YYSYMBOL_YYACCEPT = 48,                  /* $accept  */
  YYSYMBOL_file = 49,                      /* file  */
  YYSYMBOL_optsemi = 50,                   /* optsemi  */
  YYSYMBOL_value = 51,                     /* value  */
  YYSYMBOL_force = 52,                     /* force  */
  YYSYMBOL_top = 53,                       /* top  */
  YYSYMBOL_54_1 = 54,                      /* $@1  */
  YYSYMBOL_55_2 = 55,                      /* $@2  */
  YYSYMBOL_vpn_body = 56,                  /* vpn_body  */
  YYSYMBOL_vpn_stmt = 57,                  /* vpn_stmt  */
  YYSYMBOL_58_3 = 58,                      /* $@3  */
  YYSYMBOL_59_4 = 59,                      /* $@4  */
  YYSYMBOL_60_5 = 60,                      /* $@5  */
  YYSYMBOL_sa_opts = 61,                   /* sa_opts  */
  YYSYMBOL_sa_opt = 62,                    /* sa_opt  */
  YYSYMBOL_proposals = 63,                 /* proposals  */
  YYSYMBOL_dpd_opts = 64,                  /* dpd_opts  */
  YYSYMBOL_dpd_opt = 65,                   /* dpd_opt  */
  YYSYMBOL_failover_opts = 66,             /* failover_opts  */
  YYSYMBOL_failover_opt = 67,              /* failover_opt  */
  YYSYMBOL_tun_body = 68,                  /* tun_body  */
  YYSYMBOL_tun_stmt = 69,                  /* tun_stmt  */
  YYSYMBOL_nbr_body = 70,                  /* nbr_body  */
  YYSYMBOL_nbr_stmt = 71                   /* nbr_stmt  */
};
typedef enum yysymbol_kind_t yysymbol_kind_t;



/* Unqualified %code blocks.  */
#line 25 "conf/parse.y"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

static bool	conf_once(struct conf_parse *, int *, enum conf_key,
		    const char *, int);
static bool	conf_number(struct conf_parse *, const char *, int,
		    const char *, uint32_t, uint32_t, uint32_t *);
static bool	conf_duration(struct conf_parse *, const char *, int,
		    const char *, uint32_t *);
static bool	conf_duration_ms(struct conf_parse *, const char *, int,
		    const char *, uint32_t, uint32_t, const char *, uint32_t *);
static bool	conf_address(struct conf_parse *, const char *, int,
		    const char *, struct cgw_addr *);
static void	conf_network_add(struct conf_parse *, const char *, int);
static void	conf_proposal_add(struct conf_parse *, const char *, int);
static void	conf_id_set(struct conf_parse *, const char *, int,
		    const char *, struct conf_id *);
static void	conf_ifname_set(struct conf_parse *, const char *, int);
static void	conf_str_free(char *);
static void	conf_ctl_group_set(struct conf_parse *, const char *, int,
		    const char *, struct conf_ctl_group *);

#line 208 "build-asan/conf/parse.tab.c"

#ifdef short
# undef short
#endif

/* On compilers that do not define __PTRDIFF_MAX__ etc., make sure
   <limits.h> and (if available) <stdint.h> are included
   so that the code can choose integer types of a good width.  */

#ifndef __PTRDIFF_MAX__
# include <limits.h> /* INFRINGES ON USER NAME SPACE */
# if defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stdint.h> /* INFRINGES ON USER NAME SPACE */
#  define YY_STDINT_H
# endif
#endif

/* Narrow types that promote to a signed type and that can represent a
   signed or unsigned integer of at least N bits.  In tables they can
   save space and decrease cache pressure.  Promoting to a signed type
   helps avoid bugs in integer arithmetic.  */

#ifdef __INT_LEAST8_MAX__
typedef __INT_LEAST8_TYPE__ yytype_int8;
#elif defined YY_STDINT_H
typedef int_least8_t yytype_int8;
#else
typedef signed char yytype_int8;
#endif

#ifdef __INT_LEAST16_MAX__
typedef __INT_LEAST16_TYPE__ yytype_int16;
#elif defined YY_STDINT_H
typedef int_least16_t yytype_int16;
#else
typedef short yytype_int16;
#endif

/* Work around bug in HP-UX 11.23, which defines these macros
   incorrectly for preprocessor constants.  This workaround can likely
   be removed in 2023, as HPE has promised support for HP-UX 11.23
   (aka HP-UX 11i v2) only through the end of 2022; see Table 2 of
   <https://h20195.www2.hpe.com/V2/getpdf.aspx/4AA4-7673ENW.pdf>.  */
#ifdef __hpux
# undef UINT_LEAST8_MAX
# undef UINT_LEAST16_MAX
# define UINT_LEAST8_MAX 255
# define UINT_LEAST16_MAX 65535
#endif

#if defined __UINT_LEAST8_MAX__ && __UINT_LEAST8_MAX__ <= __INT_MAX__
typedef __UINT_LEAST8_TYPE__ yytype_uint8;
#elif (!defined __UINT_LEAST8_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST8_MAX <= INT_MAX)
typedef uint_least8_t yytype_uint8;
#elif !defined __UINT_LEAST8_MAX__ && UCHAR_MAX <= INT_MAX
typedef unsigned char yytype_uint8;
#else
typedef short yytype_uint8;
#endif

#if defined __UINT_LEAST16_MAX__ && __UINT_LEAST16_MAX__ <= __INT_MAX__
typedef __UINT_LEAST16_TYPE__ yytype_uint16;
#elif (!defined __UINT_LEAST16_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST16_MAX <= INT_MAX)
typedef uint_least16_t yytype_uint16;
#elif !defined __UINT_LEAST16_MAX__ && USHRT_MAX <= INT_MAX
typedef unsigned short yytype_uint16;
#else
typedef int yytype_uint16;
#endif

#ifndef YYPTRDIFF_T
# if defined __PTRDIFF_TYPE__ && defined __PTRDIFF_MAX__
#  define YYPTRDIFF_T __PTRDIFF_TYPE__
#  define YYPTRDIFF_MAXIMUM __PTRDIFF_MAX__
# elif defined PTRDIFF_MAX
#  ifndef ptrdiff_t
#   include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  endif
#  define YYPTRDIFF_T ptrdiff_t
#  define YYPTRDIFF_MAXIMUM PTRDIFF_MAX
# else
#  define YYPTRDIFF_T long
#  define YYPTRDIFF_MAXIMUM LONG_MAX
# endif
#endif

#ifndef YYSIZE_T
# ifdef __SIZE_TYPE__
#  define YYSIZE_T __SIZE_TYPE__
# elif defined size_t
#  define YYSIZE_T size_t
# elif defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  define YYSIZE_T size_t
# else
#  define YYSIZE_T unsigned
# endif
#endif

#define YYSIZE_MAXIMUM                                  \
  YY_CAST (YYPTRDIFF_T,                                 \
           (YYPTRDIFF_MAXIMUM < YY_CAST (YYSIZE_T, -1)  \
            ? YYPTRDIFF_MAXIMUM                         \
            : YY_CAST (YYSIZE_T, -1)))

#define YYSIZEOF(X) YY_CAST (YYPTRDIFF_T, sizeof (X))


/* Stored state numbers (used for stacks). */
typedef yytype_int8 yy_state_t;

/* State numbers in computations.  */
typedef int yy_state_fast_t;

#ifndef YY_
# if defined YYENABLE_NLS && YYENABLE_NLS
#  if ENABLE_NLS
#   include <libintl.h> /* INFRINGES ON USER NAME SPACE */
#   define YY_(Msgid) dgettext ("bison-runtime", Msgid)
#  endif
# endif
# ifndef YY_
#  define YY_(Msgid) Msgid
# endif
#endif


#ifndef YY_ATTRIBUTE_PURE
# if defined __GNUC__ && 2 < __GNUC__ + (96 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_PURE __attribute__ ((__pure__))
# else
#  define YY_ATTRIBUTE_PURE
# endif
#endif

#ifndef YY_ATTRIBUTE_UNUSED
# if defined __GNUC__ && 2 < __GNUC__ + (7 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_UNUSED __attribute__ ((__unused__))
# else
#  define YY_ATTRIBUTE_UNUSED
# endif
#endif

/* Suppress unused-variable warnings by "using" E.  */
#if ! defined lint || defined __GNUC__
# define YY_USE(E) ((void) (E))
#else
# define YY_USE(E) /* empty */
#endif

/* Suppress an incorrect diagnostic about yylval being uninitialized.  */
#if defined __GNUC__ && ! defined __ICC && 406 <= __GNUC__ * 100 + __GNUC_MINOR__
# if __GNUC__ * 100 + __GNUC_MINOR__ < 407
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")
# else
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")              \
    _Pragma ("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
# endif
# define YY_IGNORE_MAYBE_UNINITIALIZED_END      \
    _Pragma ("GCC diagnostic pop")
#else
# define YY_INITIAL_VALUE(Value) Value
#endif
#ifndef YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_END
#endif
#ifndef YY_INITIAL_VALUE
# define YY_INITIAL_VALUE(Value) /* Nothing. */
#endif

#if defined __cplusplus && defined __GNUC__ && ! defined __ICC && 6 <= __GNUC__
# define YY_IGNORE_USELESS_CAST_BEGIN                          \
    _Pragma ("GCC diagnostic push")                            \
    _Pragma ("GCC diagnostic ignored \"-Wuseless-cast\"")
# define YY_IGNORE_USELESS_CAST_END            \
    _Pragma ("GCC diagnostic pop")
#endif
#ifndef YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_END
#endif


#define YY_ASSERT(E) ((void) (0 && (E)))

#if 1

/* The parser invokes alloca or malloc; define the necessary symbols.  */

# ifdef YYSTACK_USE_ALLOCA
#  if YYSTACK_USE_ALLOCA
#   ifdef __GNUC__
#    define YYSTACK_ALLOC __builtin_alloca
#   elif defined __BUILTIN_VA_ARG_INCR
#    include <alloca.h> /* INFRINGES ON USER NAME SPACE */
#   elif defined _AIX
#    define YYSTACK_ALLOC __alloca
#   elif defined _MSC_VER
#    include <malloc.h> /* INFRINGES ON USER NAME SPACE */
#    define alloca _alloca
#   else
#    define YYSTACK_ALLOC alloca
#    if ! defined _ALLOCA_H && ! defined EXIT_SUCCESS
#     include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
      /* Use EXIT_SUCCESS as a witness for stdlib.h.  */
#     ifndef EXIT_SUCCESS
#      define EXIT_SUCCESS 0
#     endif
#    endif
#   endif
#  endif
# endif

# ifdef YYSTACK_ALLOC
   /* Pacify GCC's 'empty if-body' warning.  */
#  define YYSTACK_FREE(Ptr) do { /* empty */; } while (0)
#  ifndef YYSTACK_ALLOC_MAXIMUM
    /* The OS might guarantee only one guard page at the bottom of the stack,
       and a page size can be as small as 4096 bytes.  So we cannot safely
       invoke alloca (N) if N exceeds 4096.  Use a slightly smaller number
       to allow for a few compiler-allocated temporary stack slots.  */
#   define YYSTACK_ALLOC_MAXIMUM 4032 /* reasonable circa 2006 */
#  endif
# else
#  define YYSTACK_ALLOC YYMALLOC
#  define YYSTACK_FREE YYFREE
#  ifndef YYSTACK_ALLOC_MAXIMUM
#   define YYSTACK_ALLOC_MAXIMUM YYSIZE_MAXIMUM
#  endif
#  if (defined __cplusplus && ! defined EXIT_SUCCESS \
       && ! ((defined YYMALLOC || defined malloc) \
             && (defined YYFREE || defined free)))
#   include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
#   ifndef EXIT_SUCCESS
#    define EXIT_SUCCESS 0
#   endif
#  endif
#  ifndef YYMALLOC
#   define YYMALLOC malloc
#   if ! defined malloc && ! defined EXIT_SUCCESS
void *malloc (YYSIZE_T); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
#  ifndef YYFREE
#   define YYFREE free
#   if ! defined free && ! defined EXIT_SUCCESS
void free (void *); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
# endif
#endif /* 1 */

#if (! defined yyoverflow \
     && (! defined __cplusplus \
         || (defined CONF_YYLTYPE_IS_TRIVIAL && CONF_YYLTYPE_IS_TRIVIAL \
             && defined CONF_YYSTYPE_IS_TRIVIAL && CONF_YYSTYPE_IS_TRIVIAL)))

/* A type that is properly aligned for any stack member.  */
union yyalloc
{
  yy_state_t yyss_alloc;
  YYSTYPE yyvs_alloc;
  YYLTYPE yyls_alloc;
};

/* The size of the maximum gap between one aligned stack and the next.  */
# define YYSTACK_GAP_MAXIMUM (YYSIZEOF (union yyalloc) - 1)

/* The size of an array large to enough to hold all stacks, each with
   N elements.  */
# define YYSTACK_BYTES(N) \
     ((N) * (YYSIZEOF (yy_state_t) + YYSIZEOF (YYSTYPE) \
             + YYSIZEOF (YYLTYPE)) \
      + 2 * YYSTACK_GAP_MAXIMUM)

# define YYCOPY_NEEDED 1

/* Relocate STACK from its old location to the new one.  The
   local variables YYSIZE and YYSTACKSIZE give the old and new number of
   elements in the stack, and YYPTR gives the new location of the
   stack.  Advance YYPTR to a properly aligned location for the next
   stack.  */
# define YYSTACK_RELOCATE(Stack_alloc, Stack)                           \
    do                                                                  \
      {                                                                 \
        YYPTRDIFF_T yynewbytes;                                         \
        YYCOPY (&yyptr->Stack_alloc, Stack, yysize);                    \
        Stack = &yyptr->Stack_alloc;                                    \
        yynewbytes = yystacksize * YYSIZEOF (*Stack) + YYSTACK_GAP_MAXIMUM; \
        yyptr += yynewbytes / YYSIZEOF (*yyptr);                        \
      }                                                                 \
    while (0)

#endif

#if defined YYCOPY_NEEDED && YYCOPY_NEEDED
/* Copy COUNT objects from SRC to DST.  The source and destination do
   not overlap.  */
# ifndef YYCOPY
#  if defined __GNUC__ && 1 < __GNUC__
#   define YYCOPY(Dst, Src, Count) \
      __builtin_memcpy (Dst, Src, YY_CAST (YYSIZE_T, (Count)) * sizeof (*(Src)))
#  else
#   define YYCOPY(Dst, Src, Count)              \
      do                                        \
        {                                       \
          YYPTRDIFF_T yyi;                      \
          for (yyi = 0; yyi < (Count); yyi++)   \
            (Dst)[yyi] = (Src)[yyi];            \
        }                                       \
      while (0)
#  endif
# endif
#endif /* !YYCOPY_NEEDED */

/* YYFINAL -- State number of the termination state.  */
#define YYFINAL  2
/* YYLAST -- Last index in YYTABLE.  */
#define YYLAST   145

/* YYNTOKENS -- Number of terminals.  */
#define YYNTOKENS  48
/* YYNNTS -- Number of nonterminals.  */
#define YYNNTS  24
/* YYNRULES -- Number of rules.  */
#define YYNRULES  68
/* YYNSTATES -- Number of states.  */
#define YYNSTATES  113

/* YYMAXUTOK -- Last valid token kind.  */
#define YYMAXUTOK   299


/* YYTRANSLATE(TOKEN-NUM) -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex, with out-of-bounds checking.  */
#define YYTRANSLATE(YYX)                                \
  (0 <= (YYX) && (YYX) <= YYMAXUTOK                     \
   ? YY_CAST (yysymbol_kind_t, yytranslate[YYX])        \
   : YYSYMBOL_YYUNDEF)

/* YYTRANSLATE[TOKEN-NUM] -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex.  */
static const yytype_int8 yytranslate[] =
{
       0,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,    45,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    46,     2,    47,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     1,     2,     3,     4,
       5,     6,     7,     8,     9,    10,    11,    12,    13,    14,
      15,    16,    17,    18,    19,    20,    21,    22,    23,    24,
      25,    26,    27,    28,    29,    30,    31,    32,    33,    34,
      35,    36,    37,    38,    39,    40,    41,    42,    43,    44
};

#if CONF_YYDEBUG
/* YYRLINE[YYN] -- Source line where rule number YYN was defined.  */
static const yytype_int16 yyrline[] =
{
       0,    77,    77,    78,    79,    82,    83,    86,    87,    90,
      91,    94,   101,   117,   121,   128,   136,   136,   142,   142,
     150,   151,   152,   155,   162,   169,   176,   183,   183,   184,
     184,   185,   186,   187,   192,   197,   202,   207,   217,   234,
     234,   242,   243,   246,   247,   266,   270,   276,   277,   280,
     290,   300,   301,   304,   318,   336,   337,   338,   341,   348,
     358,   366,   374,   380,   389,   390,   391,   394,   401
};
#endif

/** Accessing symbol of state STATE.  */
#define YY_ACCESSING_SYMBOL(State) YY_CAST (yysymbol_kind_t, yystos[State])

#if 1
/* The user-facing name of the symbol whose (internal) number is
   YYSYMBOL.  No bounds checking.  */
static const char *yysymbol_name (yysymbol_kind_t yysymbol) YY_ATTRIBUTE_UNUSED;

/* YYTNAME[SYMBOL-NUM] -- String name of the symbol SYMBOL-NUM.
   First, the terminals, then, starting at YYNTOKENS, nonterminals.  */
static const char *const yytname[] =
{
  "\"end of file\"", "error", "\"invalid token\"", "\"asn\"",
  "\"router-id\"", "\"network\"", "\"vpn\"", "\"local\"", "\"peer-asn\"",
  "\"ike\"", "\"esp\"", "\"proposal\"", "\"lifetime\"", "\"force\"",
  "\"dpd\"", "\"interval\"", "\"timeout\"", "\"steering\"",
  "\"active-standby\"", "\"ecmp\"", "\"startup\"", "\"initiate\"",
  "\"respond\"", "\"replay-window\"", "\"hold-time\"", "\"tunnel\"",
  "\"remote\"", "\"inside\"", "\"psk\"", "\"psk-file\"", "\"interface\"",
  "\"mtu\"", "\"local-id\"", "\"remote-id\"", "\"failover\"", "\"split\"",
  "\"hold-down\"", "\"neighbor\"", "\"remote-as\"", "\"description\"",
  "\"control\"", "\"group\"", "\"admin-group\"", "\"word\"",
  "\"quoted string\"", "';'", "'{'", "'}'", "$accept", "file", "optsemi",
  "value", "force", "top", "$@1", "$@2", "vpn_body", "vpn_stmt", "$@3",
  "$@4", "$@5", "sa_opts", "sa_opt", "proposals", "dpd_opts", "dpd_opt",
  "failover_opts", "failover_opt", "tun_body", "tun_stmt", "nbr_body",
  "nbr_stmt", YY_NULLPTR
};

static const char *
yysymbol_name (yysymbol_kind_t yysymbol)
{
  return yytname[yysymbol];
}
#endif

#define YYPACT_NINF (-75)

#define yypact_value_is_default(Yyn) \
  ((Yyn) == YYPACT_NINF)

#define YYTABLE_NINF (-1)

#define yytable_value_is_error(Yyn) \
  0

/* YYPACT[STATE-NUM] -- Index in YYTABLE of the portion describing
   STATE-NUM.  */
static const yytype_int8 yypact[] =
{
     -75,    76,   -75,   -75,   -36,   -36,   -36,   -36,   -36,   -30,
     -24,   -75,   -75,   -75,   -75,   -75,   -37,   -21,   -36,   -36,
     -75,   -75,   -75,   -75,   -75,   -75,   -75,   -75,    98,    21,
     -75,   -36,   -36,   -75,   -75,     0,    -1,    -2,   -36,   -36,
     -36,   -36,   -36,   -12,   -75,   -24,   -75,   -36,   -36,   -75,
     -24,   -75,   -75,    18,    18,   -36,   -36,     0,   -75,   -75,
     -75,   -75,   -75,   -75,   -75,   -15,   -75,   -75,   -36,   -36,
     -12,   -75,   -75,   -75,   -75,   -75,   -36,   -36,    18,   -75,
      18,   -75,   -75,   -75,   -75,   -75,   -75,   -75,   -75,   -36,
      19,   -75,   -75,   -75,   -75,   -75,    27,   -75,   -36,   -36,
     -36,   -36,   -36,   -36,   -75,   -24,   -75,   -75,   -75,   -75,
     -75,   -75,   -75
};

/* YYDEFACT[STATE-NUM] -- Default reduction number in state STATE-NUM.
   Performed when YYTABLE does not specify something else to do.  Zero
   means the default is an error.  */
static const yytype_int8 yydefact[] =
{
       2,     0,     1,     4,     0,     0,     0,     0,     0,     0,
       5,     7,     8,    11,    12,    13,     0,     0,     0,     0,
       6,     3,    16,    18,    14,    15,    20,    64,     0,     0,
      22,     0,     0,    27,    29,     0,     0,     0,     0,     0,
       0,     0,     0,     0,    17,     5,    66,     0,     0,    19,
       5,    23,    26,     0,     0,     0,     0,    31,    47,    33,
      34,    35,    36,    37,    38,     0,    24,    25,     0,     0,
      32,    51,    21,    67,    68,    65,     0,     0,    28,    41,
      30,    49,    50,    48,    39,    53,    54,    52,    45,    43,
       9,    42,    55,    46,    10,    44,     0,    57,     0,     0,
       0,     0,     0,     0,    40,     5,    58,    59,    60,    61,
      62,    63,    56
};

/* YYPGOTO[NTERM-NUM].  */
static const yytype_int8 yypgoto[] =
{
     -75,   -75,   -40,    -5,   -75,   -75,   -75,   -75,   -75,   -75,
     -75,   -75,   -75,   -16,   -74,   -75,   -75,   -18,   -75,   -29,
     -75,   -75,   -75,   -75
};

/* YYDEFGOTO[NTERM-NUM].  */
static const yytype_int8 yydefgoto[] =
{
       0,     1,    21,    13,    95,    10,    26,    27,    28,    45,
      53,    54,    92,    78,    79,    89,    57,    58,    70,    71,
      96,   105,    29,    50
};

/* YYTABLE[YYPACT[STATE-NUM]] -- What to do in state STATE-NUM.  If
   positive, shift that token.  If negative, reduce the rule whose
   number is the opposite.  If YYTABLE_NINF, syntax error.  */
static const yytype_int8 yytable[] =
{
      14,    15,    16,    17,    91,    72,    91,    11,    12,    22,
      75,    18,    19,    24,    25,    55,    56,    59,    60,    61,
      62,    20,    46,    68,    69,    23,    51,    52,    97,    76,
      77,    84,    94,    63,    64,    65,    66,    67,    80,    83,
       0,    87,    73,    74,     0,     0,     0,     0,     0,     0,
      81,    82,     0,    98,    99,   100,   101,   102,   103,    47,
      48,     0,     0,    85,    86,   112,     0,     0,    49,     0,
       0,    88,    90,     0,   104,     0,     2,     3,     0,     4,
       5,     6,     7,     0,    93,     0,     0,     0,     0,     0,
       0,     0,     0,   106,   107,   108,   109,   110,   111,    30,
       0,     0,     0,     0,     0,    31,    32,    33,    34,     0,
       0,     0,    35,     8,     0,    36,     9,     0,    37,     0,
       0,    38,    39,    40,     0,     0,     0,     0,     0,     0,
      41,    42,    43,     0,     0,     0,     0,     0,     0,     0,
       0,     0,     0,     0,     0,    44
};

static const yytype_int8 yycheck[] =
{
       5,     6,     7,     8,    78,    45,    80,    43,    44,    46,
      50,    41,    42,    18,    19,    15,    16,    18,    19,    21,
      22,    45,     1,    35,    36,    46,    31,    32,     1,    11,
      12,    46,    13,    38,    39,    40,    41,    42,    54,    57,
      -1,    70,    47,    48,    -1,    -1,    -1,    -1,    -1,    -1,
      55,    56,    -1,    26,    27,    28,    29,    30,    31,    38,
      39,    -1,    -1,    68,    69,   105,    -1,    -1,    47,    -1,
      -1,    76,    77,    -1,    47,    -1,     0,     1,    -1,     3,
       4,     5,     6,    -1,    89,    -1,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    98,    99,   100,   101,   102,   103,     1,
      -1,    -1,    -1,    -1,    -1,     7,     8,     9,    10,    -1,
      -1,    -1,    14,    37,    -1,    17,    40,    -1,    20,    -1,
      -1,    23,    24,    25,    -1,    -1,    -1,    -1,    -1,    -1,
      32,    33,    34,    -1,    -1,    -1,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    -1,    -1,    47
};

/* YYSTOS[STATE-NUM] -- The symbol kind of the accessing symbol of
   state STATE-NUM.  */
static const yytype_int8 yystos[] =
{
       0,    49,     0,     1,     3,     4,     5,     6,    37,    40,
      53,    43,    44,    51,    51,    51,    51,    51,    41,    42,
      45,    50,    46,    46,    51,    51,    54,    55,    56,    70,
       1,     7,     8,     9,    10,    14,    17,    20,    23,    24,
      25,    32,    33,    34,    47,    57,     1,    38,    39,    47,
      71,    51,    51,    58,    59,    15,    16,    64,    65,    18,
      19,    21,    22,    51,    51,    51,    51,    51,    35,    36,
      66,    67,    50,    51,    51,    50,    11,    12,    61,    62,
      61,    51,    51,    65,    46,    51,    51,    67,    51,    63,
      51,    62,    60,    51,    13,    52,    68,     1,    26,    27,
      28,    29,    30,    31,    47,    69,    51,    51,    51,    51,
      51,    51,    50
};

/* YYR1[RULE-NUM] -- Symbol kind of the left-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr1[] =
{
       0,    48,    49,    49,    49,    50,    50,    51,    51,    52,
      52,    53,    53,    53,    53,    53,    54,    53,    55,    53,
      56,    56,    56,    57,    57,    57,    57,    58,    57,    59,
      57,    57,    57,    57,    57,    57,    57,    57,    57,    60,
      57,    61,    61,    62,    62,    63,    63,    64,    64,    65,
      65,    66,    66,    67,    67,    68,    68,    68,    69,    69,
      69,    69,    69,    69,    70,    70,    70,    71,    71
};

/* YYR2[RULE-NUM] -- Number of symbols on the right-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr2[] =
{
       0,     2,     0,     3,     2,     0,     1,     1,     1,     0,
       1,     2,     2,     2,     3,     3,     0,     6,     0,     6,
       0,     3,     2,     2,     2,     2,     2,     0,     3,     0,
       3,     2,     2,     2,     2,     2,     2,     2,     2,     0,
       6,     1,     2,     2,     3,     1,     2,     1,     2,     2,
       2,     1,     2,     2,     2,     0,     3,     2,     2,     2,
       2,     2,     2,     2,     0,     3,     2,     2,     2
};


enum { YYENOMEM = -2 };

#define yyerrok         (yyerrstatus = 0)
#define yyclearin       (yychar = T_CONF_YYEMPTY)

#define YYACCEPT        goto yyacceptlab
#define YYABORT         goto yyabortlab
#define YYERROR         goto yyerrorlab
#define YYNOMEM         goto yyexhaustedlab


#define YYRECOVERING()  (!!yyerrstatus)

#define YYBACKUP(Token, Value)                                    \
  do                                                              \
    if (yychar == T_CONF_YYEMPTY)                                        \
      {                                                           \
        yychar = (Token);                                         \
        yylval = (Value);                                         \
        YYPOPSTACK (yylen);                                       \
        yystate = *yyssp;                                         \
        goto yybackup;                                            \
      }                                                           \
    else                                                          \
      {                                                           \
        yyerror (&yylloc, scanner, ctx, YY_("syntax error: cannot back up")); \
        YYERROR;                                                  \
      }                                                           \
  while (0)

/* Backward compatibility with an undocumented macro.
   Use T_CONF_YYerror or T_CONF_YYUNDEF. */
#define YYERRCODE T_CONF_YYUNDEF

/* YYLLOC_DEFAULT -- Set CURRENT to span from RHS[1] to RHS[N].
   If N is 0, then set CURRENT to the empty location which ends
   the previous symbol: RHS[0] (always defined).  */

#ifndef YYLLOC_DEFAULT
# define YYLLOC_DEFAULT(Current, Rhs, N)                                \
    do                                                                  \
      if (N)                                                            \
        {                                                               \
          (Current).first_line   = YYRHSLOC (Rhs, 1).first_line;        \
          (Current).first_column = YYRHSLOC (Rhs, 1).first_column;      \
          (Current).last_line    = YYRHSLOC (Rhs, N).last_line;         \
          (Current).last_column  = YYRHSLOC (Rhs, N).last_column;       \
        }                                                               \
      else                                                              \
        {                                                               \
          (Current).first_line   = (Current).last_line   =              \
            YYRHSLOC (Rhs, 0).last_line;                                \
          (Current).first_column = (Current).last_column =              \
            YYRHSLOC (Rhs, 0).last_column;                              \
        }                                                               \
    while (0)
#endif

#define YYRHSLOC(Rhs, K) ((Rhs)[K])


/* Enable debugging if requested.  */
#if CONF_YYDEBUG

# ifndef YYFPRINTF
#  include <stdio.h> /* INFRINGES ON USER NAME SPACE */
#  define YYFPRINTF fprintf
# endif

# define YYDPRINTF(Args)                        \
do {                                            \
  if (yydebug)                                  \
    YYFPRINTF Args;                             \
} while (0)


/* YYLOCATION_PRINT -- Print the location on the stream.
   This macro was not mandated originally: define only if we know
   we won't break user code: when these are the locations we know.  */

# ifndef YYLOCATION_PRINT

#  if defined YY_LOCATION_PRINT

   /* Temporary convenience wrapper in case some people defined the
      undocumented and private YY_LOCATION_PRINT macros.  */
#   define YYLOCATION_PRINT(File, Loc)  YY_LOCATION_PRINT(File, *(Loc))

#  elif defined CONF_YYLTYPE_IS_TRIVIAL && CONF_YYLTYPE_IS_TRIVIAL

/* Print *YYLOCP on YYO.  Private, do not rely on its existence. */

YY_ATTRIBUTE_UNUSED
static int
yy_location_print_ (FILE *yyo, YYLTYPE const * const yylocp)
{
  int res = 0;
  int end_col = 0 != yylocp->last_column ? yylocp->last_column - 1 : 0;
  if (0 <= yylocp->first_line)
    {
      res += YYFPRINTF (yyo, "%d", yylocp->first_line);
      if (0 <= yylocp->first_column)
        res += YYFPRINTF (yyo, ".%d", yylocp->first_column);
    }
  if (0 <= yylocp->last_line)
    {
      if (yylocp->first_line < yylocp->last_line)
        {
          res += YYFPRINTF (yyo, "-%d", yylocp->last_line);
          if (0 <= end_col)
            res += YYFPRINTF (yyo, ".%d", end_col);
        }
      else if (0 <= end_col && yylocp->first_column < end_col)
        res += YYFPRINTF (yyo, "-%d", end_col);
    }
  return res;
}

#   define YYLOCATION_PRINT  yy_location_print_

    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT(File, Loc)  YYLOCATION_PRINT(File, &(Loc))

#  else

#   define YYLOCATION_PRINT(File, Loc) ((void) 0)
    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT  YYLOCATION_PRINT

#  endif
# endif /* !defined YYLOCATION_PRINT */


# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)                    \
do {                                                                      \
  if (yydebug)                                                            \
    {                                                                     \
      YYFPRINTF (stderr, "%s ", Title);                                   \
      yy_symbol_print (stderr,                                            \
                  Kind, Value, Location, scanner, ctx); \
      YYFPRINTF (stderr, "\n");                                           \
    }                                                                     \
} while (0)


/*-----------------------------------.
| Print this symbol's value on YYO.  |
`-----------------------------------*/

static void
yy_symbol_value_print (FILE *yyo,
                       yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, void *scanner, struct conf_parse *ctx)
{
  FILE *yyoutput = yyo;
  YY_USE (yyoutput);
  YY_USE (yylocationp);
  YY_USE (scanner);
  YY_USE (ctx);
  if (!yyvaluep)
    return;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}


/*---------------------------.
| Print this symbol on YYO.  |
`---------------------------*/

static void
yy_symbol_print (FILE *yyo,
                 yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, void *scanner, struct conf_parse *ctx)
{
  YYFPRINTF (yyo, "%s %s (",
             yykind < YYNTOKENS ? "token" : "nterm", yysymbol_name (yykind));

  YYLOCATION_PRINT (yyo, yylocationp);
  YYFPRINTF (yyo, ": ");
  yy_symbol_value_print (yyo, yykind, yyvaluep, yylocationp, scanner, ctx);
  YYFPRINTF (yyo, ")");
}

/*------------------------------------------------------------------.
| yy_stack_print -- Print the state stack from its BOTTOM up to its |
| TOP (included).                                                   |
`------------------------------------------------------------------*/

static void
yy_stack_print (yy_state_t *yybottom, yy_state_t *yytop)
{
  YYFPRINTF (stderr, "Stack now");
  for (; yybottom <= yytop; yybottom++)
    {
      int yybot = *yybottom;
      YYFPRINTF (stderr, " %d", yybot);
    }
  YYFPRINTF (stderr, "\n");
}

# define YY_STACK_PRINT(Bottom, Top)                            \
do {                                                            \
  if (yydebug)                                                  \
    yy_stack_print ((Bottom), (Top));                           \
} while (0)


/*------------------------------------------------.
| Report that the YYRULE is going to be reduced.  |
`------------------------------------------------*/

static void
yy_reduce_print (yy_state_t *yyssp, YYSTYPE *yyvsp, YYLTYPE *yylsp,
                 int yyrule, void *scanner, struct conf_parse *ctx)
{
  int yylno = yyrline[yyrule];
  int yynrhs = yyr2[yyrule];
  int yyi;
  YYFPRINTF (stderr, "Reducing stack by rule %d (line %d):\n",
             yyrule - 1, yylno);
  /* The symbols being reduced.  */
  for (yyi = 0; yyi < yynrhs; yyi++)
    {
      YYFPRINTF (stderr, "   $%d = ", yyi + 1);
      yy_symbol_print (stderr,
                       YY_ACCESSING_SYMBOL (+yyssp[yyi + 1 - yynrhs]),
                       &yyvsp[(yyi + 1) - (yynrhs)],
                       &(yylsp[(yyi + 1) - (yynrhs)]), scanner, ctx);
      YYFPRINTF (stderr, "\n");
    }
}

# define YY_REDUCE_PRINT(Rule)          \
do {                                    \
  if (yydebug)                          \
    yy_reduce_print (yyssp, yyvsp, yylsp, Rule, scanner, ctx); \
} while (0)

/* Nonzero means print parse trace.  It is left uninitialized so that
   multiple parsers can coexist.  */
int yydebug;
#else /* !CONF_YYDEBUG */
# define YYDPRINTF(Args) ((void) 0)
# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)
# define YY_STACK_PRINT(Bottom, Top)
# define YY_REDUCE_PRINT(Rule)
#endif /* !CONF_YYDEBUG */


/* YYINITDEPTH -- initial size of the parser's stacks.  */
#ifndef YYINITDEPTH
# define YYINITDEPTH 200
#endif

/* YYMAXDEPTH -- maximum size the stacks can grow to (effective only
   if the built-in stack extension method is used).

   Do not make this value too large; the results are undefined if
   YYSTACK_ALLOC_MAXIMUM < YYSTACK_BYTES (YYMAXDEPTH)
   evaluated with infinite-precision integer arithmetic.  */

#ifndef YYMAXDEPTH
# define YYMAXDEPTH 10000
#endif


/* Context of a parse error.  */
typedef struct
{
  yy_state_t *yyssp;
  yysymbol_kind_t yytoken;
  YYLTYPE *yylloc;
} yypcontext_t;

/* Put in YYARG at most YYARGN of the expected tokens given the
   current YYCTX, and return the number of tokens stored in YYARG.  If
   YYARG is null, return the number of expected tokens (guaranteed to
   be less than YYNTOKENS).  Return YYENOMEM on memory exhaustion.
   Return 0 if there are more than YYARGN expected tokens, yet fill
   YYARG up to YYARGN. */
static int
yypcontext_expected_tokens (const yypcontext_t *yyctx,
                            yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;
  int yyn = yypact[+*yyctx->yyssp];
  if (!yypact_value_is_default (yyn))
    {
      /* Start YYX at -YYN if negative to avoid negative indexes in
         YYCHECK.  In other words, skip the first -YYN actions for
         this state because they are default actions.  */
      int yyxbegin = yyn < 0 ? -yyn : 0;
      /* Stay within bounds of both yycheck and yytname.  */
      int yychecklim = YYLAST - yyn + 1;
      int yyxend = yychecklim < YYNTOKENS ? yychecklim : YYNTOKENS;
      int yyx;
      for (yyx = yyxbegin; yyx < yyxend; ++yyx)
        if (yycheck[yyx + yyn] == yyx && yyx != YYSYMBOL_YYerror
            && !yytable_value_is_error (yytable[yyx + yyn]))
          {
            if (!yyarg)
              ++yycount;
            else if (yycount == yyargn)
              return 0;
            else
              yyarg[yycount++] = YY_CAST (yysymbol_kind_t, yyx);
          }
    }
  if (yyarg && yycount == 0 && 0 < yyargn)
    yyarg[0] = YYSYMBOL_YYEMPTY;
  return yycount;
}




#ifndef yystrlen
# if defined __GLIBC__ && defined _STRING_H
#  define yystrlen(S) (YY_CAST (YYPTRDIFF_T, strlen (S)))
# else
/* Return the length of YYSTR.  */
static YYPTRDIFF_T
yystrlen (const char *yystr)
{
  YYPTRDIFF_T yylen;
  for (yylen = 0; yystr[yylen]; yylen++)
    continue;
  return yylen;
}
# endif
#endif

#ifndef yystpcpy
# if defined __GLIBC__ && defined _STRING_H && defined _GNU_SOURCE
#  define yystpcpy stpcpy
# else
/* Copy YYSRC to YYDEST, returning the address of the terminating '\0' in
   YYDEST.  */
static char *
yystpcpy (char *yydest, const char *yysrc)
{
  char *yyd = yydest;
  const char *yys = yysrc;

  while ((*yyd++ = *yys++) != '\0')
    continue;

  return yyd - 1;
}
# endif
#endif

#ifndef yytnamerr
/* Copy to YYRES the contents of YYSTR after stripping away unnecessary
   quotes and backslashes, so that it's suitable for yyerror.  The
   heuristic is that double-quoting is unnecessary unless the string
   contains an apostrophe, a comma, or backslash (other than
   backslash-backslash).  YYSTR is taken from yytname.  If YYRES is
   null, do not copy; instead, return the length of what the result
   would have been.  */
static YYPTRDIFF_T
yytnamerr (char *yyres, const char *yystr)
{
  if (*yystr == '"')
    {
      YYPTRDIFF_T yyn = 0;
      char const *yyp = yystr;
      for (;;)
        switch (*++yyp)
          {
          case '\'':
          case ',':
            goto do_not_strip_quotes;

          case '\\':
            if (*++yyp != '\\')
              goto do_not_strip_quotes;
            else
              goto append;

          append:
          default:
            if (yyres)
              yyres[yyn] = *yyp;
            yyn++;
            break;

          case '"':
            if (yyres)
              yyres[yyn] = '\0';
            return yyn;
          }
    do_not_strip_quotes: ;
    }

  if (yyres)
    return yystpcpy (yyres, yystr) - yyres;
  else
    return yystrlen (yystr);
}
#endif


static int
yy_syntax_error_arguments (const yypcontext_t *yyctx,
                           yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;
  /* There are many possibilities here to consider:
     - If this state is a consistent state with a default action, then
       the only way this function was invoked is if the default action
       is an error action.  In that case, don't check for expected
       tokens because there are none.
     - The only way there can be no lookahead present (in yychar) is if
       this state is a consistent state with a default action.  Thus,
       detecting the absence of a lookahead is sufficient to determine
       that there is no unexpected or expected token to report.  In that
       case, just report a simple "syntax error".
     - Don't assume there isn't a lookahead just because this state is a
       consistent state with a default action.  There might have been a
       previous inconsistent state, consistent state with a non-default
       action, or user semantic action that manipulated yychar.
     - Of course, the expected token list depends on states to have
       correct lookahead information, and it depends on the parser not
       to perform extra reductions after fetching a lookahead from the
       scanner and before detecting a syntax error.  Thus, state merging
       (from LALR or IELR) and default reductions corrupt the expected
       token list.  However, the list is correct for canonical LR with
       one exception: it will still contain any token that will not be
       accepted due to an error action in a later state.
  */
  if (yyctx->yytoken != YYSYMBOL_YYEMPTY)
    {
      int yyn;
      if (yyarg)
        yyarg[yycount] = yyctx->yytoken;
      ++yycount;
      yyn = yypcontext_expected_tokens (yyctx,
                                        yyarg ? yyarg + 1 : yyarg, yyargn - 1);
      if (yyn == YYENOMEM)
        return YYENOMEM;
      else
        yycount += yyn;
    }
  return yycount;
}

/* Copy into *YYMSG, which is of size *YYMSG_ALLOC, an error message
   about the unexpected token YYTOKEN for the state stack whose top is
   YYSSP.

   Return 0 if *YYMSG was successfully written.  Return -1 if *YYMSG is
   not large enough to hold the message.  In that case, also set
   *YYMSG_ALLOC to the required number of bytes.  Return YYENOMEM if the
   required number of bytes is too large to store.  */
static int
yysyntax_error (YYPTRDIFF_T *yymsg_alloc, char **yymsg,
                const yypcontext_t *yyctx)
{
  enum { YYARGS_MAX = 5 };
  /* Internationalized format string. */
  const char *yyformat = YY_NULLPTR;
  /* Arguments of yyformat: reported tokens (one for the "unexpected",
     one per "expected"). */
  yysymbol_kind_t yyarg[YYARGS_MAX];
  /* Cumulated lengths of YYARG.  */
  YYPTRDIFF_T yysize = 0;

  /* Actual size of YYARG. */
  int yycount = yy_syntax_error_arguments (yyctx, yyarg, YYARGS_MAX);
  if (yycount == YYENOMEM)
    return YYENOMEM;

  switch (yycount)
    {
#define YYCASE_(N, S)                       \
      case N:                               \
        yyformat = S;                       \
        break
    default: /* Avoid compiler warnings. */
      YYCASE_(0, YY_("syntax error"));
      YYCASE_(1, YY_("syntax error, unexpected %s"));
      YYCASE_(2, YY_("syntax error, unexpected %s, expecting %s"));
      YYCASE_(3, YY_("syntax error, unexpected %s, expecting %s or %s"));
      YYCASE_(4, YY_("syntax error, unexpected %s, expecting %s or %s or %s"));
      YYCASE_(5, YY_("syntax error, unexpected %s, expecting %s or %s or %s or %s"));
#undef YYCASE_
    }

  /* Compute error message size.  Don't count the "%s"s, but reserve
     room for the terminator.  */
  yysize = yystrlen (yyformat) - 2 * yycount + 1;
  {
    int yyi;
    for (yyi = 0; yyi < yycount; ++yyi)
      {
        YYPTRDIFF_T yysize1
          = yysize + yytnamerr (YY_NULLPTR, yytname[yyarg[yyi]]);
        if (yysize <= yysize1 && yysize1 <= YYSTACK_ALLOC_MAXIMUM)
          yysize = yysize1;
        else
          return YYENOMEM;
      }
  }

  if (*yymsg_alloc < yysize)
    {
      *yymsg_alloc = 2 * yysize;
      if (! (yysize <= *yymsg_alloc
             && *yymsg_alloc <= YYSTACK_ALLOC_MAXIMUM))
        *yymsg_alloc = YYSTACK_ALLOC_MAXIMUM;
      return -1;
    }

  /* Avoid sprintf, as that infringes on the user's name space.
     Don't have undefined behavior even if the translation
     produced a string with the wrong number of "%s"s.  */
  {
    char *yyp = *yymsg;
    int yyi = 0;
    while ((*yyp = *yyformat) != '\0')
      if (*yyp == '%' && yyformat[1] == 's' && yyi < yycount)
        {
          yyp += yytnamerr (yyp, yytname[yyarg[yyi++]]);
          yyformat += 2;
        }
      else
        {
          ++yyp;
          ++yyformat;
        }
  }
  return 0;
}


/*-----------------------------------------------.
| Release the memory associated to this symbol.  |
`-----------------------------------------------*/

static void
yydestruct (const char *yymsg,
            yysymbol_kind_t yykind, YYSTYPE *yyvaluep, YYLTYPE *yylocationp, void *scanner, struct conf_parse *ctx)
{
  YY_USE (yyvaluep);
  YY_USE (yylocationp);
  YY_USE (scanner);
  YY_USE (ctx);
  if (!yymsg)
    yymsg = "Deleting";
  YY_SYMBOL_PRINT (yymsg, yykind, yyvaluep, yylocationp);

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  switch (yykind)
    {
    case YYSYMBOL_WORD: /* "word"  */
#line 73 "conf/parse.y"
            { conf_str_free(((*yyvaluep).str)); }
#line 1351 "build-asan/conf/parse.tab.c"
        break;

    case YYSYMBOL_STRING: /* "quoted string"  */
#line 73 "conf/parse.y"
            { conf_str_free(((*yyvaluep).str)); }
#line 1357 "build-asan/conf/parse.tab.c"
        break;

    case YYSYMBOL_value: /* value  */
#line 73 "conf/parse.y"
            { conf_str_free(((*yyvaluep).str)); }
#line 1363 "build-asan/conf/parse.tab.c"
        break;

      default:
        break;
    }
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}






/*----------.
| yyparse.  |
`----------*/

int
yyparse (void *scanner, struct conf_parse *ctx)
{
/* Lookahead token kind.  */
int yychar;


/* The semantic value of the lookahead symbol.  */
/* Default value used for initialization, for pacifying older GCCs
   or non-GCC compilers.  */
YY_INITIAL_VALUE (static YYSTYPE yyval_default;)
YYSTYPE yylval YY_INITIAL_VALUE (= yyval_default);

/* Location data for the lookahead symbol.  */
static YYLTYPE yyloc_default
# if defined CONF_YYLTYPE_IS_TRIVIAL && CONF_YYLTYPE_IS_TRIVIAL
  = { 1, 1, 1, 1 }
# endif
;
YYLTYPE yylloc = yyloc_default;

    /* Number of syntax errors so far.  */
    int yynerrs = 0;

    yy_state_fast_t yystate = 0;
    /* Number of tokens to shift before error messages enabled.  */
    int yyerrstatus = 0;

    /* Refer to the stacks through separate pointers, to allow yyoverflow
       to reallocate them elsewhere.  */

    /* Their size.  */
    YYPTRDIFF_T yystacksize = YYINITDEPTH;

    /* The state stack: array, bottom, top.  */
    yy_state_t yyssa[YYINITDEPTH];
    yy_state_t *yyss = yyssa;
    yy_state_t *yyssp = yyss;

    /* The semantic value stack: array, bottom, top.  */
    YYSTYPE yyvsa[YYINITDEPTH];
    YYSTYPE *yyvs = yyvsa;
    YYSTYPE *yyvsp = yyvs;

    /* The location stack: array, bottom, top.  */
    YYLTYPE yylsa[YYINITDEPTH];
    YYLTYPE *yyls = yylsa;
    YYLTYPE *yylsp = yyls;

  int yyn;
  /* The return value of yyparse.  */
  int yyresult;
  /* Lookahead symbol kind.  */
  yysymbol_kind_t yytoken = YYSYMBOL_YYEMPTY;
  /* The variables used to return semantic value and location from the
     action routines.  */
  YYSTYPE yyval;
  YYLTYPE yyloc;

  /* The locations where the error started and ended.  */
  YYLTYPE yyerror_range[3];

  /* Buffer for error messages, and its allocated size.  */
  char yymsgbuf[128];
  char *yymsg = yymsgbuf;
  YYPTRDIFF_T yymsg_alloc = sizeof yymsgbuf;

#define YYPOPSTACK(N)   (yyvsp -= (N), yyssp -= (N), yylsp -= (N))

  /* The number of symbols on the RHS of the reduced rule.
     Keep to zero when no symbol should be popped.  */
  int yylen = 0;

  YYDPRINTF ((stderr, "Starting parse\n"));

  yychar = T_CONF_YYEMPTY; /* Cause a token to be read.  */

  yylsp[0] = yylloc;
  goto yysetstate;


/*------------------------------------------------------------.
| yynewstate -- push a new state, which is found in yystate.  |
`------------------------------------------------------------*/
yynewstate:
  /* In all cases, when you get here, the value and location stacks
     have just been pushed.  So pushing a state here evens the stacks.  */
  yyssp++;


/*--------------------------------------------------------------------.
| yysetstate -- set current state (the top of the stack) to yystate.  |
`--------------------------------------------------------------------*/
yysetstate:
  YYDPRINTF ((stderr, "Entering state %d\n", yystate));
  YY_ASSERT (0 <= yystate && yystate < YYNSTATES);
  YY_IGNORE_USELESS_CAST_BEGIN
  *yyssp = YY_CAST (yy_state_t, yystate);
  YY_IGNORE_USELESS_CAST_END
  YY_STACK_PRINT (yyss, yyssp);

  if (yyss + yystacksize - 1 <= yyssp)
#if !defined yyoverflow && !defined YYSTACK_RELOCATE
    YYNOMEM;
#else
    {
      /* Get the current used size of the three stacks, in elements.  */
      YYPTRDIFF_T yysize = yyssp - yyss + 1;

# if defined yyoverflow
      {
        /* Give user a chance to reallocate the stack.  Use copies of
           these so that the &'s don't force the real ones into
           memory.  */
        yy_state_t *yyss1 = yyss;
        YYSTYPE *yyvs1 = yyvs;
        YYLTYPE *yyls1 = yyls;

        /* Each stack pointer address is followed by the size of the
           data in use in that stack, in bytes.  This used to be a
           conditional around just the two extra args, but that might
           be undefined if yyoverflow is a macro.  */
        yyoverflow (YY_("memory exhausted"),
                    &yyss1, yysize * YYSIZEOF (*yyssp),
                    &yyvs1, yysize * YYSIZEOF (*yyvsp),
                    &yyls1, yysize * YYSIZEOF (*yylsp),
                    &yystacksize);
        yyss = yyss1;
        yyvs = yyvs1;
        yyls = yyls1;
      }
# else /* defined YYSTACK_RELOCATE */
      /* Extend the stack our own way.  */
      if (YYMAXDEPTH <= yystacksize)
        YYNOMEM;
      yystacksize *= 2;
      if (YYMAXDEPTH < yystacksize)
        yystacksize = YYMAXDEPTH;

      {
        yy_state_t *yyss1 = yyss;
        union yyalloc *yyptr =
          YY_CAST (union yyalloc *,
                   YYSTACK_ALLOC (YY_CAST (YYSIZE_T, YYSTACK_BYTES (yystacksize))));
        if (! yyptr)
          YYNOMEM;
        YYSTACK_RELOCATE (yyss_alloc, yyss);
        YYSTACK_RELOCATE (yyvs_alloc, yyvs);
        YYSTACK_RELOCATE (yyls_alloc, yyls);
#  undef YYSTACK_RELOCATE
        if (yyss1 != yyssa)
          YYSTACK_FREE (yyss1);
      }
# endif

      yyssp = yyss + yysize - 1;
      yyvsp = yyvs + yysize - 1;
      yylsp = yyls + yysize - 1;

      YY_IGNORE_USELESS_CAST_BEGIN
      YYDPRINTF ((stderr, "Stack size increased to %ld\n",
                  YY_CAST (long, yystacksize)));
      YY_IGNORE_USELESS_CAST_END

      if (yyss + yystacksize - 1 <= yyssp)
        YYABORT;
    }
#endif /* !defined yyoverflow && !defined YYSTACK_RELOCATE */


  if (yystate == YYFINAL)
    YYACCEPT;

  goto yybackup;


/*-----------.
| yybackup.  |
`-----------*/
yybackup:
  /* Do appropriate processing given the current state.  Read a
     lookahead token if we need one and don't already have one.  */

  /* First try to decide what to do without reference to lookahead token.  */
  yyn = yypact[yystate];
  if (yypact_value_is_default (yyn))
    goto yydefault;

  /* Not known => get a lookahead token if don't already have one.  */

  /* YYCHAR is either empty, or end-of-input, or a valid lookahead.  */
  if (yychar == T_CONF_YYEMPTY)
    {
      YYDPRINTF ((stderr, "Reading a token\n"));
      yychar = yylex (&yylval, &yylloc, scanner);
    }

  if (yychar <= T_YYEOF)
    {
      yychar = T_YYEOF;
      yytoken = YYSYMBOL_YYEOF;
      YYDPRINTF ((stderr, "Now at end of input.\n"));
    }
  else if (yychar == T_CONF_YYerror)
    {
      /* The scanner already issued an error message, process directly
         to error recovery.  But do not keep the error token as
         lookahead, it is too special and may lead us to an endless
         loop in error recovery. */
      yychar = T_CONF_YYUNDEF;
      yytoken = YYSYMBOL_YYerror;
      yyerror_range[1] = yylloc;
      goto yyerrlab1;
    }
  else
    {
      yytoken = YYTRANSLATE (yychar);
      YY_SYMBOL_PRINT ("Next token is", yytoken, &yylval, &yylloc);
    }

  /* If the proper action on seeing token YYTOKEN is to reduce or to
     detect an error, take that action.  */
  yyn += yytoken;
  if (yyn < 0 || YYLAST < yyn || yycheck[yyn] != yytoken)
    goto yydefault;
  yyn = yytable[yyn];
  if (yyn <= 0)
    {
      if (yytable_value_is_error (yyn))
        goto yyerrlab;
      yyn = -yyn;
      goto yyreduce;
    }

  /* Count tokens shifted since error; after three, turn off error
     status.  */
  if (yyerrstatus)
    yyerrstatus--;

  /* Shift the lookahead token.  */
  YY_SYMBOL_PRINT ("Shifting", yytoken, &yylval, &yylloc);
  yystate = yyn;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END
  *++yylsp = yylloc;

  /* Discard the shifted token.  */
  yychar = T_CONF_YYEMPTY;
  goto yynewstate;


/*-----------------------------------------------------------.
| yydefault -- do the default action for the current state.  |
`-----------------------------------------------------------*/
yydefault:
  yyn = yydefact[yystate];
  if (yyn == 0)
    goto yyerrlab;
  goto yyreduce;


/*-----------------------------.
| yyreduce -- do a reduction.  |
`-----------------------------*/
yyreduce:
  /* yyn is the number of a rule to reduce with.  */
  yylen = yyr2[yyn];

  /* If YYLEN is nonzero, implement the default value of the action:
     '$$ = $1'.

     Otherwise, the following line sets YYVAL to garbage.
     This behavior is undocumented and Bison
     users should not rely upon it.  Assigning to YYVAL
     unconditionally makes the parser a bit smaller, and it avoids a
     GCC warning that YYVAL may be used uninitialized.  */
  yyval = yyvsp[1-yylen];

  /* Default location. */
  YYLLOC_DEFAULT (yyloc, (yylsp - yylen), yylen);
  yyerror_range[1] = yyloc;
  YY_REDUCE_PRINT (yyn);
  switch (yyn)
    {
  case 9: /* force: %empty  */
#line 90 "conf/parse.y"
                                { (yyval.num) = 0; }
#line 1669 "build-asan/conf/parse.tab.c"
    break;

  case 10: /* force: "force"  */
#line 91 "conf/parse.y"
                                { (yyval.num) = 1; }
#line 1675 "build-asan/conf/parse.tab.c"
    break;

  case 11: /* top: "asn" value  */
#line 94 "conf/parse.y"
                            {
			if (conf_once(ctx, ctx->global_seen, CONF_K_ASN, "asn",
			    (yylsp[-1]).first_line))
				conf_number(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "asn", 1,
				    UINT32_MAX, &ctx->conf->asn);
			free((yyvsp[0].str));
		}
#line 1687 "build-asan/conf/parse.tab.c"
    break;

  case 12: /* top: "router-id" value  */
#line 101 "conf/parse.y"
                                  {
			struct cgw_addr a;

			if (conf_once(ctx, ctx->global_seen, CONF_K_ROUTER_ID,
			    "router-id", (yylsp[-1]).first_line) &&
			    conf_address(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "router-id", &a)) {
				if (a.af != AF_INET)
					conf_problem(ctx, true, (yylsp[0]).first_line,
					    "router-id %s is not IPv4; allowed: "
					    "an IPv4 address (the BGP identifier)",
					    (yyvsp[0].str));
				else
					ctx->conf->router_id = a;
			}
			free((yyvsp[0].str));
		}
#line 1708 "build-asan/conf/parse.tab.c"
    break;

  case 13: /* top: "network" value  */
#line 117 "conf/parse.y"
                                {
			conf_network_add(ctx, (yyvsp[0].str), (yylsp[0]).first_line);
			free((yyvsp[0].str));
		}
#line 1717 "build-asan/conf/parse.tab.c"
    break;

  case 14: /* top: "control" "group" value  */
#line 121 "conf/parse.y"
                                      {
			if (conf_once(ctx, ctx->global_seen, CONF_K_CTL_GROUP,
			    "control group", (yylsp[-2]).first_line))
				conf_ctl_group_set(ctx, (yyvsp[0].str), (yylsp[0]).first_line,
				    "control group", &ctx->conf->ctl_group);
			free((yyvsp[0].str));
		}
#line 1729 "build-asan/conf/parse.tab.c"
    break;

  case 15: /* top: "control" "admin-group" value  */
#line 128 "conf/parse.y"
                                            {
			if (conf_once(ctx, ctx->global_seen,
			    CONF_K_CTL_ADMIN_GROUP, "control admin-group",
			    (yylsp[-2]).first_line))
				conf_ctl_group_set(ctx, (yyvsp[0].str), (yylsp[0]).first_line,
				    "control admin-group", &ctx->conf->ctl_admin);
			free((yyvsp[0].str));
		}
#line 1742 "build-asan/conf/parse.tab.c"
    break;

  case 16: /* $@1: %empty  */
#line 136 "conf/parse.y"
                                {
			conf_vpn_begin(ctx, (yyvsp[-1].str), (yylsp[-2]).first_line);
			(yyvsp[-1].str) = NULL;	/* conf_vpn_begin took it */
		}
#line 1751 "build-asan/conf/parse.tab.c"
    break;

  case 17: /* top: "vpn" value '{' $@1 vpn_body '}'  */
#line 139 "conf/parse.y"
                               {
			conf_vpn_end(ctx);
		}
#line 1759 "build-asan/conf/parse.tab.c"
    break;

  case 18: /* $@2: %empty  */
#line 142 "conf/parse.y"
                                     {
			conf_neighbor_begin(ctx, (yyvsp[-1].str), (yylsp[-2]).first_line);
			(yyvsp[-1].str) = NULL;
		}
#line 1768 "build-asan/conf/parse.tab.c"
    break;

  case 19: /* top: "neighbor" value '{' $@2 nbr_body '}'  */
#line 145 "conf/parse.y"
                               {
			conf_neighbor_end(ctx);
		}
#line 1776 "build-asan/conf/parse.tab.c"
    break;

  case 23: /* vpn_stmt: "local" value  */
#line 155 "conf/parse.y"
                              {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_LOCAL, "local",
			    (yylsp[-1]).first_line))
				conf_address(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "local",
				    &ctx->vpn->local);
			free((yyvsp[0].str));
		}
#line 1788 "build-asan/conf/parse.tab.c"
    break;

  case 24: /* vpn_stmt: "local-id" value  */
#line 162 "conf/parse.y"
                                 {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_LOCAL_ID,
			    "local-id", (yylsp[-1]).first_line))
				conf_id_set(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "local-id",
				    &ctx->vpn->local_id);
			free((yyvsp[0].str));
		}
#line 1800 "build-asan/conf/parse.tab.c"
    break;

  case 25: /* vpn_stmt: "remote-id" value  */
#line 169 "conf/parse.y"
                                  {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_REMOTE_ID,
			    "remote-id", (yylsp[-1]).first_line))
				conf_id_set(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "remote-id",
				    &ctx->vpn->remote_id);
			free((yyvsp[0].str));
		}
#line 1812 "build-asan/conf/parse.tab.c"
    break;

  case 26: /* vpn_stmt: "peer-asn" value  */
#line 176 "conf/parse.y"
                                 {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_PEER_ASN,
			    "peer-asn", (yylsp[-1]).first_line))
				conf_number(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "peer-asn",
				    1, UINT32_MAX, &ctx->vpn->peer_asn);
			free((yyvsp[0].str));
		}
#line 1824 "build-asan/conf/parse.tab.c"
    break;

  case 27: /* $@3: %empty  */
#line 183 "conf/parse.y"
                      { ctx->sa = CONF_SA_IKE; }
#line 1830 "build-asan/conf/parse.tab.c"
    break;

  case 29: /* $@4: %empty  */
#line 184 "conf/parse.y"
                      { ctx->sa = CONF_SA_ESP; }
#line 1836 "build-asan/conf/parse.tab.c"
    break;

  case 33: /* vpn_stmt: "steering" "active-standby"  */
#line 187 "conf/parse.y"
                                          {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_STEERING,
			    "steering", (yylsp[-1]).first_line))
				ctx->vpn->steering = CONF_STEER_ACTIVE_STANDBY;
		}
#line 1846 "build-asan/conf/parse.tab.c"
    break;

  case 34: /* vpn_stmt: "steering" "ecmp"  */
#line 192 "conf/parse.y"
                                {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_STEERING,
			    "steering", (yylsp[-1]).first_line))
				ctx->vpn->steering = CONF_STEER_ECMP;
		}
#line 1856 "build-asan/conf/parse.tab.c"
    break;

  case 35: /* vpn_stmt: "startup" "initiate"  */
#line 197 "conf/parse.y"
                                   {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_STARTUP,
			    "startup", (yylsp[-1]).first_line))
				ctx->vpn->startup = CONF_START_INITIATE;
		}
#line 1866 "build-asan/conf/parse.tab.c"
    break;

  case 36: /* vpn_stmt: "startup" "respond"  */
#line 202 "conf/parse.y"
                                  {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_STARTUP,
			    "startup", (yylsp[-1]).first_line))
				ctx->vpn->startup = CONF_START_RESPOND;
		}
#line 1876 "build-asan/conf/parse.tab.c"
    break;

  case 37: /* vpn_stmt: "replay-window" value  */
#line 207 "conf/parse.y"
                                      {
			/* 0 turns replay protection off; the kernel's
			 * bitmap tops out at 4096 in practice. */
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_REPLAY,
			    "replay-window", (yylsp[-1]).first_line))
				conf_number(ctx, (yyvsp[0].str), (yylsp[0]).first_line,
				    "replay-window", 0, 4096,
				    &ctx->vpn->replay_window);
			free((yyvsp[0].str));
		}
#line 1891 "build-asan/conf/parse.tab.c"
    break;

  case 38: /* vpn_stmt: "hold-time" value  */
#line 217 "conf/parse.y"
                                  {
			uint32_t t;

			if (conf_once(ctx, ctx->vpn_seen, CONF_K_HOLD_TIME,
			    "hold-time", (yylsp[-1]).first_line) &&
			    conf_duration(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "hold-time",
			    &t)) {
				/* RFC 4271 4.2: zero or at least three */
				if ((t > 0 && t < 3) || t > 65535)
					conf_problem(ctx, true, (yylsp[0]).first_line,
					    "hold-time %s out of range; allowed: "
					    "0 or 3s-65535s", (yyvsp[0].str));
				else
					ctx->vpn->hold_time_s = t;
			}
			free((yyvsp[0].str));
		}
#line 1913 "build-asan/conf/parse.tab.c"
    break;

  case 39: /* $@5: %empty  */
#line 234 "conf/parse.y"
                                   {
			conf_tunnel_begin(ctx, (yyvsp[-1].str), (yylsp[-2]).first_line);
			(yyvsp[-1].str) = NULL;
		}
#line 1922 "build-asan/conf/parse.tab.c"
    break;

  case 40: /* vpn_stmt: "tunnel" value '{' $@5 tun_body '}'  */
#line 237 "conf/parse.y"
                               {
			conf_tunnel_end(ctx);
		}
#line 1930 "build-asan/conf/parse.tab.c"
    break;

  case 44: /* sa_opt: "lifetime" value force  */
#line 247 "conf/parse.y"
                                       {
			enum conf_key k = ctx->sa == CONF_SA_IKE ?
			    CONF_K_IKE_LIFETIME : CONF_K_ESP_LIFETIME;
			uint32_t t;

			if (conf_once(ctx, ctx->vpn_seen, k, "lifetime",
			    (yylsp[-2]).first_line) &&
			    conf_duration(ctx, (yyvsp[-1].str), (yylsp[-1]).first_line, "lifetime", &t) &&
			    conf_lifetime_check(ctx, ctx->sa, t, (yyvsp[0].num),
			    (yylsp[-1]).first_line)) {
				if (ctx->sa == CONF_SA_IKE)
					ctx->vpn->ike_lifetime_s = t;
				else
					ctx->vpn->esp_lifetime_s = t;
			}
			free((yyvsp[-1].str));
		}
#line 1952 "build-asan/conf/parse.tab.c"
    break;

  case 45: /* proposals: value  */
#line 266 "conf/parse.y"
                        {
			conf_proposal_add(ctx, (yyvsp[0].str), (yylsp[0]).first_line);
			free((yyvsp[0].str));
		}
#line 1961 "build-asan/conf/parse.tab.c"
    break;

  case 46: /* proposals: proposals value  */
#line 270 "conf/parse.y"
                                  {
			conf_proposal_add(ctx, (yyvsp[0].str), (yylsp[0]).first_line);
			free((yyvsp[0].str));
		}
#line 1970 "build-asan/conf/parse.tab.c"
    break;

  case 49: /* dpd_opt: "interval" value  */
#line 280 "conf/parse.y"
                                 {
			/* Probes leave this often while the peer is quiet;
			 * below 100 ms they would be noise on the wire. */
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_DPD_INTERVAL,
			    "dpd interval", (yylsp[-1]).first_line))
				conf_duration_ms(ctx, (yyvsp[0].str), (yylsp[0]).first_line,
				    "dpd interval", 100, 3600000, "100ms-1h",
				    &ctx->vpn->dpd_interval_ms);
			free((yyvsp[0].str));
		}
#line 1985 "build-asan/conf/parse.tab.c"
    break;

  case 50: /* dpd_opt: "timeout" value  */
#line 290 "conf/parse.y"
                                {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_DPD_TIMEOUT,
			    "dpd timeout", (yylsp[-1]).first_line))
				conf_duration_ms(ctx, (yyvsp[0].str), (yylsp[0]).first_line,
				    "dpd timeout", 500, 86400000, "500ms-24h",
				    &ctx->vpn->dpd_timeout_ms);
			free((yyvsp[0].str));
		}
#line 1998 "build-asan/conf/parse.tab.c"
    break;

  case 53: /* failover_opt: "split" value  */
#line 304 "conf/parse.y"
                              {
			if (conf_once(ctx, ctx->vpn_seen, CONF_K_SPLIT,
			    "failover split", (yylsp[-1]).first_line)) {
				if (strcmp((yyvsp[0].str), "on") == 0)
					ctx->vpn->failover_split = true;
				else if (strcmp((yyvsp[0].str), "off") == 0)
					ctx->vpn->failover_split = false;
				else
					conf_problem(ctx, true, (yylsp[0]).first_line,
					    "failover split %s: allowed: on, off",
					    (yyvsp[0].str));
			}
			free((yyvsp[0].str));
		}
#line 2017 "build-asan/conf/parse.tab.c"
    break;

  case 54: /* failover_opt: "hold-down" value  */
#line 318 "conf/parse.y"
                                  {
			uint32_t t;

			if (conf_once(ctx, ctx->vpn_seen, CONF_K_HOLDDOWN,
			    "failover hold-down", (yylsp[-1]).first_line) &&
			    conf_duration(ctx, (yyvsp[0].str), (yylsp[0]).first_line,
			    "failover hold-down", &t)) {
				if (t > 3600)
					conf_problem(ctx, true, (yylsp[0]).first_line,
					    "failover hold-down %s out of range; "
					    "allowed: 0s-1h", (yyvsp[0].str));
				else
					ctx->vpn->failover_holddown_s = t;
			}
			free((yyvsp[0].str));
		}
#line 2038 "build-asan/conf/parse.tab.c"
    break;

  case 58: /* tun_stmt: "remote" value  */
#line 341 "conf/parse.y"
                               {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_REMOTE, "remote",
			    (yylsp[-1]).first_line))
				conf_address(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "remote",
				    &ctx->tunnel->remote);
			free((yyvsp[0].str));
		}
#line 2050 "build-asan/conf/parse.tab.c"
    break;

  case 59: /* tun_stmt: "inside" value  */
#line 348 "conf/parse.y"
                               {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_INSIDE, "inside",
			    (yylsp[-1]).first_line) &&
			    !prefix_parse((yyvsp[0].str), &ctx->tunnel->inside))
				conf_problem(ctx, true, (yylsp[0]).first_line,
				    "inside %s is not an address/prefix; allowed: "
				    "our address in a /30, e.g. 169.254.21.2/30",
				    (yyvsp[0].str));
			free((yyvsp[0].str));
		}
#line 2065 "build-asan/conf/parse.tab.c"
    break;

  case 60: /* tun_stmt: "psk" value  */
#line 358 "conf/parse.y"
                            {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_PSK, "psk",
			    (yylsp[-1]).first_line) && ctx->tunnel->psk == NULL) {
				ctx->tunnel->psk = (yyvsp[0].str);
				ctx->tunnel->psk_len = strlen((yyvsp[0].str));
			} else
				conf_str_free((yyvsp[0].str));
		}
#line 2078 "build-asan/conf/parse.tab.c"
    break;

  case 61: /* tun_stmt: "psk-file" value  */
#line 366 "conf/parse.y"
                                 {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_PSK_FILE,
			    "psk-file", (yylsp[-1]).first_line)) {
				ctx->tunnel->psk_file = (yyvsp[0].str);
				conf_psk_read(ctx, ctx->tunnel, (yyvsp[0].str), (yylsp[0]).first_line);
			} else
				free((yyvsp[0].str));
		}
#line 2091 "build-asan/conf/parse.tab.c"
    break;

  case 62: /* tun_stmt: "interface" value  */
#line 374 "conf/parse.y"
                                  {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_INTERFACE,
			    "interface", (yylsp[-1]).first_line))
				conf_ifname_set(ctx, (yyvsp[0].str), (yylsp[0]).first_line);
			free((yyvsp[0].str));
		}
#line 2102 "build-asan/conf/parse.tab.c"
    break;

  case 63: /* tun_stmt: "mtu" value  */
#line 380 "conf/parse.y"
                            {
			if (conf_once(ctx, ctx->tun_seen, CONF_K_MTU, "mtu",
			    (yylsp[-1]).first_line))
				conf_number(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "mtu",
				    CONF_MTU_MIN, CONF_MTU_MAX, &ctx->tunnel->mtu);
			free((yyvsp[0].str));
		}
#line 2114 "build-asan/conf/parse.tab.c"
    break;

  case 67: /* nbr_stmt: "remote-as" value  */
#line 394 "conf/parse.y"
                                  {
			if (conf_once(ctx, ctx->nbr_seen, CONF_K_REMOTE_AS,
			    "remote-as", (yylsp[-1]).first_line))
				conf_number(ctx, (yyvsp[0].str), (yylsp[0]).first_line, "remote-as",
				    1, UINT32_MAX, &ctx->neighbor->remote_as);
			free((yyvsp[0].str));
		}
#line 2126 "build-asan/conf/parse.tab.c"
    break;

  case 68: /* nbr_stmt: "description" value  */
#line 401 "conf/parse.y"
                                    {
			struct conf_neighbor *n = ctx->neighbor;

			if (conf_once(ctx, ctx->nbr_seen, CONF_K_DESCRIPTION,
			    "description", (yylsp[-1]).first_line)) {
				if (strlen((yyvsp[0].str)) >= sizeof(n->description))
					conf_problem(ctx, true, (yylsp[0]).first_line,
					    "description longer than %zu "
					    "characters", sizeof(n->description) - 1);
				else if (strchr((yyvsp[0].str), '"') || strchr((yyvsp[0].str), '\\'))
					conf_problem(ctx, true, (yylsp[0]).first_line,
					    "description contains '\"' or '\\'");
				else
					strcpy(n->description, (yyvsp[0].str));
			}
			free((yyvsp[0].str));
		}
#line 2148 "build-asan/conf/parse.tab.c"
    break;


#line 2152 "build-asan/conf/parse.tab.c"

      default: break;
    }
  /* User semantic actions sometimes alter yychar, and that requires
     that yytoken be updated with the new translation.  We take the
     approach of translating immediately before every use of yytoken.
     One alternative is translating here after every semantic action,
     but that translation would be missed if the semantic action invokes
     YYABORT, YYACCEPT, or YYERROR immediately after altering yychar or
     if it invokes YYBACKUP.  In the case of YYABORT or YYACCEPT, an
     incorrect destructor might then be invoked immediately.  In the
     case of YYERROR or YYBACKUP, subsequent parser actions might lead
     to an incorrect destructor call or verbose syntax error message
     before the lookahead is translated.  */
  YY_SYMBOL_PRINT ("-> $$ =", YY_CAST (yysymbol_kind_t, yyr1[yyn]), &yyval, &yyloc);

  YYPOPSTACK (yylen);
  yylen = 0;

  *++yyvsp = yyval;
  *++yylsp = yyloc;

  /* Now 'shift' the result of the reduction.  Determine what state
     that goes to, based on the state we popped back to and the rule
     number reduced by.  */
  {
    const int yylhs = yyr1[yyn] - YYNTOKENS;
    const int yyi = yypgoto[yylhs] + *yyssp;
    yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyssp
               ? yytable[yyi]
               : yydefgoto[yylhs]);
  }

  goto yynewstate;


/*--------------------------------------.
| yyerrlab -- here on detecting error.  |
`--------------------------------------*/
yyerrlab:
  /* Make sure we have latest lookahead translation.  See comments at
     user semantic actions for why this is necessary.  */
  yytoken = yychar == T_CONF_YYEMPTY ? YYSYMBOL_YYEMPTY : YYTRANSLATE (yychar);
  /* If not already recovering from an error, report this error.  */
  if (!yyerrstatus)
    {
      ++yynerrs;
      {
        yypcontext_t yyctx
          = {yyssp, yytoken, &yylloc};
        char const *yymsgp = YY_("syntax error");
        int yysyntax_error_status;
        yysyntax_error_status = yysyntax_error (&yymsg_alloc, &yymsg, &yyctx);
        if (yysyntax_error_status == 0)
          yymsgp = yymsg;
        else if (yysyntax_error_status == -1)
          {
            if (yymsg != yymsgbuf)
              YYSTACK_FREE (yymsg);
            yymsg = YY_CAST (char *,
                             YYSTACK_ALLOC (YY_CAST (YYSIZE_T, yymsg_alloc)));
            if (yymsg)
              {
                yysyntax_error_status
                  = yysyntax_error (&yymsg_alloc, &yymsg, &yyctx);
                yymsgp = yymsg;
              }
            else
              {
                yymsg = yymsgbuf;
                yymsg_alloc = sizeof yymsgbuf;
                yysyntax_error_status = YYENOMEM;
              }
          }
        yyerror (&yylloc, scanner, ctx, yymsgp);
        if (yysyntax_error_status == YYENOMEM)
          YYNOMEM;
      }
    }

  yyerror_range[1] = yylloc;
  if (yyerrstatus == 3)
    {
      /* If just tried and failed to reuse lookahead token after an
         error, discard it.  */

      if (yychar <= T_YYEOF)
        {
          /* Return failure if at end of input.  */
          if (yychar == T_YYEOF)
            YYABORT;
        }
      else
        {
          yydestruct ("Error: discarding",
                      yytoken, &yylval, &yylloc, scanner, ctx);
          yychar = T_CONF_YYEMPTY;
        }
    }

  /* Else will try to reuse lookahead token after shifting the error
     token.  */
  goto yyerrlab1;


/*---------------------------------------------------.
| yyerrorlab -- error raised explicitly by YYERROR.  |
`---------------------------------------------------*/
yyerrorlab:
  /* Pacify compilers when the user code never invokes YYERROR and the
     label yyerrorlab therefore never appears in user code.  */
  if (0)
    YYERROR;
  ++yynerrs;

  /* Do not reclaim the symbols of the rule whose action triggered
     this YYERROR.  */
  YYPOPSTACK (yylen);
  yylen = 0;
  YY_STACK_PRINT (yyss, yyssp);
  yystate = *yyssp;
  goto yyerrlab1;


/*-------------------------------------------------------------.
| yyerrlab1 -- common code for both syntax error and YYERROR.  |
`-------------------------------------------------------------*/
yyerrlab1:
  yyerrstatus = 3;      /* Each real token shifted decrements this.  */

  /* Pop stack until we find a state that shifts the error token.  */
  for (;;)
    {
      yyn = yypact[yystate];
      if (!yypact_value_is_default (yyn))
        {
          yyn += YYSYMBOL_YYerror;
          if (0 <= yyn && yyn <= YYLAST && yycheck[yyn] == YYSYMBOL_YYerror)
            {
              yyn = yytable[yyn];
              if (0 < yyn)
                break;
            }
        }

      /* Pop the current state because it cannot handle the error token.  */
      if (yyssp == yyss)
        YYABORT;

      yyerror_range[1] = *yylsp;
      yydestruct ("Error: popping",
                  YY_ACCESSING_SYMBOL (yystate), yyvsp, yylsp, scanner, ctx);
      YYPOPSTACK (1);
      yystate = *yyssp;
      YY_STACK_PRINT (yyss, yyssp);
    }

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END

  yyerror_range[2] = yylloc;
  ++yylsp;
  YYLLOC_DEFAULT (*yylsp, yyerror_range, 2);

  /* Shift the error token.  */
  YY_SYMBOL_PRINT ("Shifting", YY_ACCESSING_SYMBOL (yyn), yyvsp, yylsp);

  yystate = yyn;
  goto yynewstate;


/*-------------------------------------.
| yyacceptlab -- YYACCEPT comes here.  |
`-------------------------------------*/
yyacceptlab:
  yyresult = 0;
  goto yyreturnlab;


/*-----------------------------------.
| yyabortlab -- YYABORT comes here.  |
`-----------------------------------*/
yyabortlab:
  yyresult = 1;
  goto yyreturnlab;


/*-----------------------------------------------------------.
| yyexhaustedlab -- YYNOMEM (memory exhaustion) comes here.  |
`-----------------------------------------------------------*/
yyexhaustedlab:
  yyerror (&yylloc, scanner, ctx, YY_("memory exhausted"));
  yyresult = 2;
  goto yyreturnlab;


/*----------------------------------------------------------.
| yyreturnlab -- parsing is finished, clean up and return.  |
`----------------------------------------------------------*/
yyreturnlab:
  if (yychar != T_CONF_YYEMPTY)
    {
      /* Make sure we have latest lookahead translation.  See comments at
         user semantic actions for why this is necessary.  */
      yytoken = YYTRANSLATE (yychar);
      yydestruct ("Cleanup: discarding lookahead",
                  yytoken, &yylval, &yylloc, scanner, ctx);
    }
  /* Do not reclaim the symbols of the rule whose action triggered
     this YYABORT or YYACCEPT.  */
  YYPOPSTACK (yylen);
  YY_STACK_PRINT (yyss, yyssp);
  while (yyssp != yyss)
    {
      yydestruct ("Cleanup: popping",
                  YY_ACCESSING_SYMBOL (+*yyssp), yyvsp, yylsp, scanner, ctx);
      YYPOPSTACK (1);
    }
#ifndef yyoverflow
  if (yyss != yyssa)
    YYSTACK_FREE (yyss);
#endif
  if (yymsg != yymsgbuf)
    YYSTACK_FREE (yymsg);
  return yyresult;
}

#line 420 "conf/parse.y"


void
conf_yyerror(CONF_YYLTYPE *loc, void *scanner, struct conf_parse *ctx,
    const char *msg)
{
	(void)scanner;
	conf_problem(ctx, true, loc->first_line, "%s", msg);
}

/* Strings may be PSKs: wipe before free. */
static void
conf_str_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static bool
conf_once(struct conf_parse *ctx, int *seen, enum conf_key k, const char *name,
    int line)
{
	if (seen[k] != 0) {
		conf_problem(ctx, true, line, "'%s' given twice (first on line %d); "
		    "allowed: once per block", name, seen[k]);
		return false;
	}
	seen[k] = line;
	return true;
}

static bool
conf_number(struct conf_parse *ctx, const char *s, int line, const char *what,
    uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT32_MAX)
			break;
	}
	if (p == s || *p != '\0' || v < min || v > max) {
		conf_problem(ctx, true, line, "%s %s is not a number in range; "
		    "allowed: %u-%u", what, s, min, max);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool
conf_duration(struct conf_parse *ctx, const char *s, int line, const char *what,
    uint32_t *out)
{
	unsigned long long v = 0, mult = 1;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT32_MAX)
			goto bad;
	}
	if (p == s)
		goto bad;
	switch (*p) {
	case '\0':
		break;
	case 's': mult = 1; p++; break;
	case 'm': mult = 60; p++; break;
	case 'h': mult = 3600; p++; break;
	case 'd': mult = 86400; p++; break;
	default:
		goto bad;
	}
	if (*p != '\0' || v * mult > UINT32_MAX)
		goto bad;
	*out = (uint32_t)(v * mult);
	return true;
bad:
	conf_problem(ctx, true, line, "%s %s is not a duration; allowed: "
	    "seconds, or a number with s, m, h or d (30s, 10m, 8h, 1d)", what, s);
	return false;
}

/* A duration with millisecond resolution: "200ms", "2s", "1m", or a bare
 * number of seconds; between min and max ms. */
static bool
conf_duration_ms(struct conf_parse *ctx, const char *s, int line,
    const char *what, uint32_t min, uint32_t max, const char *range,
    uint32_t *out)
{
	unsigned long long v = 0, mult = 1000;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT32_MAX)
			goto bad;
	}
	if (p == s)
		goto bad;
	if (strcmp(p, "ms") == 0)
		mult = 1;
	else if (strcmp(p, "s") == 0 || *p == '\0')
		mult = 1000;
	else if (strcmp(p, "m") == 0)
		mult = 60000;
	else if (strcmp(p, "h") == 0)
		mult = 3600000;
	else
		goto bad;
	if (v * mult < min || v * mult > max) {
		conf_problem(ctx, true, line, "%s %s out of range; allowed: "
		    "%s", what, s, range);
		return false;
	}
	*out = (uint32_t)(v * mult);
	return true;
bad:
	conf_problem(ctx, true, line, "%s %s is not a duration; allowed: a "
	    "number with ms, s, m or h (200ms, 2s, 1m)", what, s);
	return false;
}

static bool
conf_address(struct conf_parse *ctx, const char *s, int line, const char *what,
    struct cgw_addr *out)
{
	if (!addr_parse(s, out)) {
		conf_problem(ctx, true, line, "%s %s is not an IP address; allowed: "
		    "an IPv4 or IPv6 address, e.g. 192.0.2.10", what, s);
		return false;
	}
	return true;
}

static void
conf_network_add(struct conf_parse *ctx, const char *s, int line)
{
	struct conf_network *n, *o;
	struct cgw_prefix p, net;
	char buf[CGW_PREFIXSTRLEN];

	if (!prefix_parse(s, &p)) {
		conf_problem(ctx, true, line, "network %s is not a prefix; "
		    "allowed: address/length, e.g. 10.224.0.0/12", s);
		return;
	}
	prefix_network(&p, &net);
	if (!addr_eq(&p.addr, &net.addr)) {
		conf_problem(ctx, true, line, "network %s has host bits set; "
		    "allowed: the network address, %s", s,
		    prefix_fmt(&net, buf, sizeof(buf)));
		return;
	}
	/* host bits are clear here, so equal networks are equal bytes */
	TAILQ_FOREACH(o, &ctx->conf->networks, entry) {
		if (o->prefix.len == p.len && addr_eq(&o->prefix.addr, &p.addr)) {
			conf_problem(ctx, false, line, "network %s already given "
			    "on line %d; ignored", s, o->line);
			return;
		}
	}
	if (ctx->nnetworks >= CONF_MAX_NETWORKS) {
		conf_problem(ctx, true, line, "more than %d networks",
		    CONF_MAX_NETWORKS);
		return;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		conf_problem(ctx, true, line, "out of memory");
		return;
	}
	ctx->nnetworks++;
	n->prefix = p;
	n->line = line;
	TAILQ_INSERT_TAIL(&ctx->conf->networks, n, entry);
}

static void
conf_proposal_add(struct conf_parse *ctx, const char *s, int line)
{
	struct conf_vpn *v = ctx->vpn;
	struct conf_proposal *list = ctx->sa == CONF_SA_IKE ? v->ike : v->esp;
	size_t *n = ctx->sa == CONF_SA_IKE ? &v->n_ike : &v->n_esp;
	const char *kind = ctx->sa == CONF_SA_IKE ? "ike" : "esp";
	char err[512];

	if (*n >= CONF_MAX_PROPOSALS) {
		conf_problem(ctx, true, line, "more than %d %s proposals; allowed: "
		    "up to %d", CONF_MAX_PROPOSALS, kind, CONF_MAX_PROPOSALS);
		return;
	}
	if (conf_proposal_parse(s, ctx->sa, &list[*n], err, sizeof(err)) != 0) {
		conf_problem(ctx, true, line, "%s proposal %s: %s", kind, s, err);
		return;
	}
	list[*n].line = line;
	(*n)++;
}

static void
conf_id_set(struct conf_parse *ctx, const char *s, int line, const char *what,
    struct conf_id *out)
{
	char err[256];

	if (conf_id_parse(s, out, err, sizeof(err)) != 0)
		conf_problem(ctx, true, line, "%s %.64s%s: %s", what, s,
		    strlen(s) > 64 ? "..." : "", err);
}

static void
conf_ifname_set(struct conf_parse *ctx, const char *s, int line)
{
	size_t len = strlen(s);
	bool ok = len > 0 && len < CONF_IFNAME_MAX &&
	    strcmp(s, ".") != 0 && strcmp(s, "..") != 0;

	for (const char *p = s; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.';
	if (!ok) {
		conf_problem(ctx, true, line, "interface name '%s' is not valid; "
		    "allowed: 1-%d characters of A-Z a-z 0-9 . _ -", s,
		    CONF_IFNAME_MAX - 1);
		return;
	}
	memcpy(ctx->tunnel->ifname, s, len + 1);
}

/*
 * A control socket group: a name as groupadd allows it, that this host
 * knows now (cgwd resolves it once, at load and at each reload).
 */
static void
conf_ctl_group_set(struct conf_parse *ctx, const char *s, int line,
    const char *what, struct conf_ctl_group *out)
{
	size_t len = strlen(s);
	bool ok = len > 0 && len < CONF_GROUP_MAX && s[0] != '-';
	struct group *gr;

	for (const char *p = s; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.';
	if (!ok) {
		conf_problem(ctx, true, line, "%s '%.40s%s' is not a group name; "
		    "allowed: 1-%d characters of A-Z a-z 0-9 . _ -", what, s,
		    len > 40 ? "..." : "", CONF_GROUP_MAX - 1);
		return;
	}
	errno = 0;
	if ((gr = getgrnam(s)) == NULL) {
		conf_problem(ctx, true, line, "%s '%s': %s", what, s,
		    errno ? strerror(errno) : "no such group on this host");
		return;
	}
	out->set = true;
	out->gid = (uint32_t)gr->gr_gid;
	memcpy(out->name, s, len + 1);
}

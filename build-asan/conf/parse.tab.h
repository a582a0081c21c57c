/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison interface for Yacc-like parsers in C

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

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

#ifndef YY_CONF_YY_BUILD_ASAN_CONF_PARSE_TAB_H_INCLUDED
# define YY_CONF_YY_BUILD_ASAN_CONF_PARSE_TAB_H_INCLUDED
/* Debug traces.  */
#ifndef CONF_YYDEBUG
# if defined YYDEBUG
#if YYDEBUG
#   define CONF_YYDEBUG 1
#  else
#   define CONF_YYDEBUG 0
#  endif
# else /* ! defined YYDEBUG */
#  define CONF_YYDEBUG 0
# endif /* ! defined YYDEBUG */
#endif  /* ! defined CONF_YYDEBUG */
#if CONF_YYDEBUG
extern int conf_yydebug;
#endif
/* "%code requires" blocks.  */
#line 16 "conf/parse.y"

#include "conf/conf_priv.h"

#line 61 "build-asan/conf/parse.tab.h"

/* Token kinds.  */
#ifndef CONF_YYTOKENTYPE
# define CONF_YYTOKENTYPE
  enum conf_yytokentype
  {
    T_CONF_YYEMPTY = -2,
    T_YYEOF = 0,                   /* "end of file"  */
    T_CONF_YYerror = 256,          /* error  */
    T_CONF_YYUNDEF = 257,          /* "invalid token"  */
    T_ASN = 258,                   /* "asn"  */
    T_ROUTER_ID = 259,             /* "router-id"  */
    T_NETWORK = 260,               /* "network"  */
    T_VPN = 261,                   /* "vpn"  */
    T_LOCAL = 262,                 /* "local"  */
    T_PEER_ASN = 263,              /* "peer-asn"  */
    T_IKE = 264,                   /* "ike"  */
    T_ESP = 265,                   /* "esp"  */
    T_PROPOSAL = 266,              /* "proposal"  */
    T_LIFETIME = 267,              /* "lifetime"  */
    T_FORCE = 268,                 /* "force"  */
    T_DPD = 269,                   /* "dpd"  */
    T_INTERVAL = 270,              /* "interval"  */
    T_TIMEOUT = 271,               /* "timeout"  */
    T_STEERING = 272,              /* "steering"  */
    T_ACTIVE_STANDBY = 273,        /* "active-standby"  */
    T_ECMP = 274,                  /* "ecmp"  */
    T_STARTUP = 275,               /* "startup"  */
    T_INITIATE = 276,              /* "initiate"  */
    T_RESPOND = 277,               /* "respond"  */
    T_REPLAY_WINDOW = 278,         /* "replay-window"  */
    T_HOLD_TIME = 279,             /* "hold-time"  */
    T_TUNNEL = 280,                /* "tunnel"  */
    T_REMOTE = 281,                /* "remote"  */
    T_INSIDE = 282,                /* "inside"  */
    T_PSK = 283,                   /* "psk"  */
    T_PSK_FILE = 284,              /* "psk-file"  */
    T_INTERFACE = 285,             /* "interface"  */
    T_MTU = 286,                   /* "mtu"  */
    T_LOCAL_ID = 287,              /* "local-id"  */
    T_REMOTE_ID = 288,             /* "remote-id"  */
    T_FAILOVER = 289,              /* "failover"  */
    T_SPLIT = 290,                 /* "split"  */
    T_HOLD_DOWN = 291,             /* "hold-down"  */
    T_NEIGHBOR = 292,              /* "neighbor"  */
    T_REMOTE_AS = 293,             /* "remote-as"  */
    T_DESCRIPTION = 294,           /* "description"  */
    T_CONTROL = 295,               /* "control"  */
    T_GROUP = 296,                 /* "group"  */
    T_ADMIN_GROUP = 297,           /* "admin-group"  */
    T_WORD = 298,                  /* "word"  */
    T_STRING = 299                 /* "quoted string"  */
  };
  typedef enum conf_yytokentype conf_yytoken_kind_t;
#endif

/* Value type.  */
#if ! defined CONF_YYSTYPE && ! defined CONF_YYSTYPE_IS_DECLARED
union CONF_YYSTYPE
{
#line 51 "conf/parse.y"

	char	*str;
	int	 num;

#line 127 "build-asan/conf/parse.tab.h"

};
typedef union CONF_YYSTYPE CONF_YYSTYPE;
# define CONF_YYSTYPE_IS_TRIVIAL 1
# define CONF_YYSTYPE_IS_DECLARED 1
#endif

/* Location type.  */
#if ! defined CONF_YYLTYPE && ! defined CONF_YYLTYPE_IS_DECLARED
typedef struct CONF_YYLTYPE CONF_YYLTYPE;
struct CONF_YYLTYPE
{
  int first_line;
  int first_column;
  int last_line;
  int last_column;
};
# define CONF_YYLTYPE_IS_DECLARED 1
# define CONF_YYLTYPE_IS_TRIVIAL 1
#endif




int conf_yyparse (void *scanner, struct conf_parse *ctx);

/* "%code provides" blocks.  */
#line 20 "conf/parse.y"

int	conf_yylex(CONF_YYSTYPE *, CONF_YYLTYPE *, void *);
void	conf_yyerror(CONF_YYLTYPE *, void *, struct conf_parse *, const char *);

#line 160 "build-asan/conf/parse.tab.h"

#endif /* !YY_CONF_YY_BUILD_ASAN_CONF_PARSE_TAB_H_INCLUDED  */

/*
 * Private to conf/: the parser context shared by the grammar (parse.y),
 * the lexer (lex.l), the checks (validate.c) and the proposal parser.
 */
#ifndef CGW_CONF_CONF_PRIV_H
#define CGW_CONF_CONF_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/stat.h>

#include "conf/conf.h"

/* Keys that may appear once per block; their line, 0 = not given yet. */
enum conf_key {
	CONF_K_ASN, CONF_K_ROUTER_ID,
	CONF_K_LOCAL, CONF_K_PEER_ASN, CONF_K_IKE_PROPOSAL, CONF_K_IKE_LIFETIME,
	CONF_K_ESP_PROPOSAL, CONF_K_ESP_LIFETIME, CONF_K_DPD_INTERVAL,
	CONF_K_DPD_TIMEOUT, CONF_K_SPLIT, CONF_K_HOLDDOWN, CONF_K_STEERING, CONF_K_STARTUP, CONF_K_REPLAY,
	CONF_K_HOLD_TIME, CONF_K_LOCAL_ID, CONF_K_REMOTE_ID,
	CONF_K_REMOTE, CONF_K_INSIDE, CONF_K_PSK, CONF_K_PSK_FILE,
	CONF_K_INTERFACE, CONF_K_MTU, CONF_K_TS,
	CONF_K_PEER_TYPE, CONF_K_MSS,
	CONF_K_REMOTE_AS, CONF_K_DESCRIPTION, CONF_K_INSTALL_ROUTES,
	CONF_K_CTL_GROUP, CONF_K_CTL_ADMIN_GROUP,
	CONF_K_METRICS,
	CONF_K_LIM_COOKIES, CONF_K_LIM_COOKIES_PEER, CONF_K_LIM_HALFOPEN,
	CONF_K_LIM_HALFOPEN_PEER, CONF_K_LIM_DH,
	CONF_K_STATIC,
	CONF_K_MAX
};


/* Lifetime limits AWS accepts; shorter ones need `force` (lab tests). */
#define CONF_IKE_LIFETIME_MIN	900
#define CONF_IKE_LIFETIME_MAX	28800
#define CONF_ESP_LIFETIME_MIN	900
#define CONF_ESP_LIFETIME_MAX	3600
/* AWS's ReplayWindowSize range; others are a warning (non-AWS peers). */
#define CONF_AWS_REPLAY_MIN	64
#define CONF_AWS_REPLAY_MAX	2048
#define CONF_MTU_MIN		576
#define CONF_MTU_MAX		9000
#define CONF_PSK_MIN		8
#define CONF_PSK_MAX		64
#define CONF_AWS_MAX_NETWORKS	100
#define CONF_FILE_MAX		(1024 * 1024)
/* Far above any real file; they keep the quadratic checks cheap. */
#define CONF_MAX_VPNS		256
#define CONF_MAX_TUNNELS	1024
#define CONF_MAX_NETWORKS	10000
#define CONF_MAX_NEIGHBORS	1024
#define CONF_MAX_PROBLEMS	500

struct conf_parse {
	struct conf		*conf;
	const char		*file;
	char			*dir;		/* of `file`, for relative psk-file */
	struct conf_problems	 problems;	/* collected, sorted at the end */
	int			 nerrors;
	int			 nproblems;
	int			 nvpns, ntunnels, nnetworks, nneighbors;
	enum conf_sa_kind	 sa;		/* inside `ike ...` or `esp ...` */
	int			 lex_psk;	/* lex.l: where a psk value may be */
	struct conf_vpn		*vpn;		/* block being parsed, or NULL */
	struct conf_tunnel	*tunnel;
	struct conf_neighbor	*neighbor;
	int			 global_seen[CONF_K_MAX];
	int			 vpn_seen[CONF_K_MAX];
	int			 tun_seen[CONF_K_MAX];
	int			 nbr_seen[CONF_K_MAX];
	/* where parsing goes on after an allocation failure */
	struct conf_vpn		 scratch_vpn;
	struct conf_tunnel	 scratch_tunnel;
	struct conf_neighbor	 scratch_neighbor;
	/* why `file` may not hold keys ("": it may), conf_secret_file_ok */
	char			 file_loose[4200];
};

void	conf_problem(struct conf_parse *, bool error, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* parse.y: runs the grammar over buf (len bytes followed by two NULs). */
int	conf_parse_buffer(struct conf_parse *, char *buf, size_t len);

/* proposal.c (conf_proposal_parse is public: conf.h) */
/* The offer used when a vpn configures none; see conf_proposal_defaults. */
size_t	conf_proposal_defaults(enum conf_sa_kind, struct conf_proposal *,
	    size_t max);
const char *conf_xform_name(const struct conf_xform *);

/* id.c: a local-id / remote-id value; -1 with the reason in err. */
int	conf_id_parse(const char *, struct conf_id *, char *err, size_t errlen);

/* validate.c: block ends and whole-file checks */
void	conf_vpn_begin(struct conf_parse *, char *name, int line);
void	conf_vpn_end(struct conf_parse *);
void	conf_tunnel_begin(struct conf_parse *, char *name, int line);
void	conf_tunnel_end(struct conf_parse *);
void	conf_neighbor_begin(struct conf_parse *, char *addr, int line);
void	conf_neighbor_end(struct conf_parse *);
bool	conf_lifetime_check(struct conf_parse *, enum conf_sa_kind,
	    uint32_t secs, bool force, int line);
void	conf_psk_check(struct conf_parse *, const char *psk, size_t len,
	    int line);
bool	conf_secret_file_ok(const struct stat *, const char *path,
	    char *why, size_t len);
bool	conf_psk_read(struct conf_parse *, struct conf_tunnel *,
	    const char *path, int line);
void	conf_validate(struct conf_parse *);
void	conf_vpn_scratch_clear(struct conf_parse *);

/* conf.c */
void	conf_tunnel_free(struct conf_tunnel *);
void	conf_vpn_free(struct conf_vpn *);
void	conf_statics_free(struct conf_vpn *);

#endif

/*
 * server.c - the threaded FastCGI responder: socket, threads, signals,
 * per-request setup (arena, request id, target, body) and dispatch.
 *
 * Stopping. FCGX_Init installs handlers that do not stop a threaded
 * responder, so SIGTERM/SIGINT are blocked before the threads start and
 * main sigwait()s for them. The usual trick of shutdown() on the listening
 * socket to wake threads blocked in accept() would also kill a socket that
 * systemd passed us and keeps for the next start. Instead the threads wait
 * in one epoll instance that also watches an eventfd; to stop, main writes
 * the eventfd, which wakes every thread at once, and the threads finish
 * their current request and return.
 *
 * Connections. nginx keeps its FastCGI connections open between requests
 * (fastcgi_keep_conn, an upstream keepalive pool: a search costs no
 * connect, accept and close). After a request the thread waits for the
 * next one on its connection (poll, the cheapest path: no epoll_ctl and
 * the same thread), but also on the epoll instance: as soon as anything
 * else needs a thread (a new connection, a request on a parked
 * connection, stopping) it parks its connection in the epoll set
 * (one-shot) and serves whatever is ready. So no connection holds a thread
 * while other work waits, however many idle connections nginx keeps and
 * however few threads there are. The listening socket is in the set,
 * one-shot too: one thread wakes per new connection, accepts it and
 * re-arms the socket. A connection nginx does not keep (no FCGI_KEEP_CONN)
 * is closed after its request, as before.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <systemd/sd-daemon.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/status.h"

#define HTTP_DEFAULT_MAX_BODY (1024 * 1024)
#define HTTP_MAX_THREADS      1024
#define HTTP_MAX_REQUEST_ID   64

struct server {
	const struct http_server_config *cfg;
	size_t max_body;
	int listen_fd;
	int wake_fd;  /* eventfd; readable once the server stops */
	int epoll_fd; /* listen_fd and kept connections (one-shot), wake_fd */
};

struct worker {
	struct server *srv;
	pthread_t tid;
};

static atomic_bool server_stop;
static atomic_ulong server_accepted;

unsigned long http_server_connections_accepted(void)
{
	return atomic_load(&server_accepted);
}

bool http_server_stopping(void)
{
	return atomic_load(&server_stop);
}

static const char *param(FCGX_Request *fr, const char *name)
{
	const char *v = FCGX_GetParam(name, fr->envp);

	return v ? v : "";
}

/* nginx's $request_id is 32 hex digits; anything else from outside must
 * be short and plain because it is echoed into headers and logs. */
static bool request_id_ok(const char *id)
{
	size_t n = strspn(id, "0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ._:-");

	return n > 0 && n <= HTTP_MAX_REQUEST_ID && id[n] == '\0';
}

static const char *request_id(struct arena *a, FCGX_Request *fr)
{
	static atomic_uint_fast64_t counter;
	const char *id = param(fr, "HTTP_X_REQUEST_ID");
	unsigned char rnd[16];
	char *out;
	int i;

	if (!*id)
		id = param(fr, "REQUEST_ID");
	if (request_id_ok(id))
		return arena_strdup(a, id);
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
		uint64_t c = atomic_fetch_add(&counter, 1);
		uint64_t t = (uint64_t)time(NULL);

		memcpy(rnd, &t, 8);
		memcpy(rnd + 8, &c, 8);
	}
	out = arena_alloc(a, 2 * sizeof(rnd) + 1);
	for (i = 0; i < (int)sizeof(rnd); i++)
		snprintf(out + 2 * i, 3, "%02x", rnd[i]);
	return out;
}

/* Returns 0, DX_E_BADREQUEST (garbage) or DX_E_TOOLARGE; *len = SIZE_MAX when absent. */
static int content_length(const char *s, size_t max, size_t *len)
{
	unsigned long long v = 0;

	*len = SIZE_MAX;
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return DX_E_BADREQUEST;
		if (v > (ULLONG_MAX - 9) / 10)
			return DX_E_TOOLARGE;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v > max)
		return DX_E_TOOLARGE;
	*len = (size_t)v;
	return 0;
}

static int read_body(struct http_request *r, FCGX_Request *fr, size_t max, const char **why)
{
	size_t want, got = 0;
	int rc;

	rc = content_length(FCGX_GetParam("CONTENT_LENGTH", fr->envp), max, &want);
	if (rc == DX_E_BADREQUEST) {
		*why = "invalid Content-Length";
		return rc;
	}
	if (rc == DX_E_TOOLARGE) {
		*why = "request body too large";
		return rc;
	}
	if (want != SIZE_MAX) {
		r->body = arena_alloc(r->arena, want + 1);
		while (got < want) {
			size_t chunk = want - got > 65536 ? 65536 : want - got;
			int n = FCGX_GetStr(r->body + got, (int)chunk, fr->in);

			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got < want) {
			*why = "request body shorter than Content-Length";
			return DX_E_BADREQUEST;
		}
	} else {
		/* No length given: read to the end of FCGI_STDIN, never past max. */
		struct buf b;
		char chunk[16384];
		int n;

		buf_init(&b, max);
		while ((n = FCGX_GetStr(chunk, sizeof(chunk), fr->in)) > 0) {
			if (buf_add(&b, chunk, (size_t)n) < 0) {
				buf_release(&b);
				*why = "request body too large";
				return DX_E_TOOLARGE;
			}
		}
		got = b.len;
		r->body = arena_alloc(r->arena, got + 1);
		if (got)
			memcpy(r->body, b.ptr, got);
		buf_release(&b);
	}
	r->body[got] = '\0';
	r->body_len = got;
	return 0;
}

/* The request target as nginx passes it: REQUEST_URI is the raw target;
 * DOCUMENT_URI and SCRIPT_NAME are already decoded fallbacks. */
static int request_target(struct http_request *r, FCGX_Request *fr, const char **why)
{
	const char *uri = param(fr, "REQUEST_URI");
	const char *path;

	if (*uri)
		return http_parse_target(r->arena, uri, &r->path, &r->query, why);
	path = param(fr, "DOCUMENT_URI");
	if (!*path)
		path = param(fr, "SCRIPT_NAME");
	if (path[0] != '/' || strlen(path) > HTTP_MAX_TARGET) {
		*why = "missing or invalid request path";
		return DX_E_BADREQUEST;
	}
	r->path = arena_strdup(r->arena, path);
	r->query = arena_strdup(r->arena, param(fr, "QUERY_STRING"));
	if (strlen(r->query) > HTTP_MAX_TARGET || http_query_validate(r->query) < 0) {
		*why = "invalid percent-encoding or UTF-8 in query string";
		return DX_E_BADREQUEST;
	}
	return 0;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void serve(struct server *srv, FCGX_Request *fr, struct arena *a, void *ctx)
{
	const struct http_server_config *cfg = srv->cfg;
	struct http_request r;
	const struct http_route *route = NULL;
	const char *why = NULL, *allow;
	int64_t start = now_us();
	int rc;

	memset(&r, 0, sizeof(r));
	r.arena = a;
	r.fcgi = fr;
	r.thread_ctx = ctx;
	r.method = arena_strdup(a, param(fr, "REQUEST_METHOD"));
	r.content_type = arena_strdup(a, param(fr, "CONTENT_TYPE"));
	r.authorization = arena_strdup(a, param(fr, "HTTP_AUTHORIZATION"));
	r.last_event_id = arena_strdup(a, param(fr, "HTTP_LAST_EVENT_ID"));
	r.request_id = request_id(a, fr);
	r.path = "";
	r.query = "";
	r.body = "";

	rc = request_target(&r, fr, &why);
	if (rc < 0) {
		http_respond_error(&r, rc, "%s", why);
		goto done;
	}
	rc = http_router_find(a, cfg->routes, cfg->nroutes, r.method, r.path, &route, r.params, &r.nparams,
			      &allow);
	if (rc == DX_E_METHOD) {
		http_respond_error_hdr(&r, rc, arena_printf(a, "Allow: %s\r\n", allow),
				       "method %s not allowed here", *r.method ? r.method : "(none)");
		goto done;
	}
	if (rc < 0) {
		http_respond_error(&r, rc, "no such resource");
		goto done;
	}
	/* Before the body: an unauthenticated client cannot make us read 1 MB. */
	if (cfg->authorize && cfg->authorize(&r, route) != 0) {
		if (!r.responded)
			http_respond_error(&r, DX_E_FORBIDDEN, "forbidden");
		goto done;
	}
	rc = read_body(&r, fr, srv->max_body, &why);
	if (rc < 0) {
		http_respond_error(&r, rc, "%s", why);
		goto done;
	}
	route->handler(&r);
	if (!r.responded)
		http_respond_error(&r, DX_E_INTERNAL, "handler sent no response");
done : {
	int64_t us = now_us() - start;

	/* Streams are slow by design: only short requests are "slow". */
	if (cfg->slow_request_ms > 0 && us / 1000 >= cfg->slow_request_ms && !strstr(r.path, "/stream"))
		log_notice("slow request | req=%s method=%.16s path=%.256s status=%d duration_ms=%" PRId64,
			   r.request_id, r.method, r.path, r.status, us / 1000);
	else
		log_info("request | req=%s method=%.16s path=%.256s status=%d duration_ms=%.3f", r.request_id,
			 r.method, r.path, r.status, (double)us / 1000.0);
	if (cfg->after)
		cfg->after(&r, route, us);
}
}

/* What server_next returns besides a connection. */
enum { NEXT_STOP = -1, NEXT_NONE = -2 };

/* Arms fd (a connection, or the listening socket) for one wake-up. */
static int server_arm(struct server *srv, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.fd = fd};

	if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_MOD, fd, &ev) == 0)
		return 0;
	if (errno == ENOENT && epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0)
		return 0;
	return -errno;
}

/*
 * Waits for work: returns a connection with a request to read (a new one,
 * accepted here, or a kept one that nginx sent another request on), or
 * NEXT_STOP when the server stops, or NEXT_NONE (nothing this time).
 */
static int server_next(struct server *srv)
{
	struct epoll_event ev;
	int n, fd, err;

	if (http_server_stopping())
		return NEXT_STOP;
	n = epoll_wait(srv->epoll_fd, &ev, 1, -1);
	if (n < 0) {
		if (errno == EINTR)
			return NEXT_NONE;
		log_err("could not wait for requests: %s", strerror(errno));
		return NEXT_STOP;
	}
	if (n == 0)
		return NEXT_NONE;
	if (ev.data.fd == srv->wake_fd)
		return NEXT_STOP;
	if (ev.data.fd != srv->listen_fd)
		return ev.data.fd;
	fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	err = errno;
	if (server_arm(srv, srv->listen_fd) < 0) {
		log_err("could not watch the listening socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NEXT_STOP;
	}
	if (fd >= 0) {
		atomic_fetch_add(&server_accepted, 1);
		return fd;
	}
	if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR && err != ECONNABORTED) {
		log_warn("could not accept a connection: %s", strerror(err));
		/* EMFILE and friends persist: do not spin on them. */
		usleep(100000);
	}
	return NEXT_NONE;
}

/* Puts a kept connection into the epoll set: any thread serves its next
 * request. */
static void server_park(struct server *srv, int fd)
{
	if (server_arm(srv, fd) < 0) {
		log_warn("could not keep a connection: %s", strerror(errno));
		close(fd);
	}
}

/*
 * Waits for the next request on kept, this thread's connection, or for
 * other work (then kept is parked first); returns like server_next.
 */
static int server_next_kept(struct server *srv, int kept)
{
	for (;;) {
		struct pollfd p[2] = {{.fd = kept, .events = POLLIN},
				      {.fd = srv->epoll_fd, .events = POLLIN}};
		int n = http_server_stopping() ? 0 : poll(p, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0 && p[0].revents)
			return kept; /* a request, or its end: FCGX_Accept_r sees which */
		server_park(srv, kept);
		return server_next(srv);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct server *srv = w->srv;
	const struct http_server_config *cfg = srv->cfg;
	struct arena *a = arena_new();
	FCGX_Request fr;
	void *ctx = cfg->thread_init ? cfg->thread_init(cfg->thread_arg) : NULL;
	int kept = -1; /* this thread's connection, kept for its next request */

	/* No listening socket for libfcgi: every connection comes from
	 * server_next (accepted there, counted, the socket re-armed). */
	FCGX_InitRequest(&fr, -1, 0);
	for (;;) {
		int fd = kept >= 0 ? server_next_kept(srv, kept) : server_next(srv), rc;

		kept = -1;
		if (fd == NEXT_STOP)
			break;
		if (fd < 0)
			continue;
		/* Read the request from fd (kept: FCGX_Accept_r's finishing of
		 * the previous request must not close it). A connection that
		 * ends instead (nginx dropped an idle one, or garbage) is
		 * closed, and FCGX_Accept_r, having no listening socket to
		 * fall back on, says EBADF. */
		fr.ipcFd = fd;
		fr.keepConnection = 1;
		rc = FCGX_Accept_r(&fr);
		if (rc == -EBADF)
			continue;
		if (rc < 0) {
			if (http_server_stopping())
				break;
			log_warn("could not read a request: %s | rc=%d",
				 rc > -1000 ? strerror(-rc) : "fastcgi error", rc);
			continue;
		}
		serve(srv, &fr, a, ctx);
		/* Finish now: the response must not wait for the next request. */
		FCGX_Finish_r(&fr);
		arena_reset(a);
		kept = fr.ipcFd;
		fr.ipcFd = -1;
	}
	FCGX_Free(&fr, 1);
	arena_free(a);
	if (cfg->thread_fini)
		cfg->thread_fini(ctx);
	return NULL;
}

/* Returns the socket systemd passed, -2 when none was passed, or a negative status. */
static int passed_socket(void)
{
	int n = sd_listen_fds(1);

	if (n < 0) {
		log_err("could not read the sockets passed by systemd: %s", strerror(-n));
		return DX_E_CONFIG;
	}
	if (n == 0)
		return -2;
	if (n > 1) {
		log_err("systemd passed %d sockets, expected one", n);
		return DX_E_CONFIG;
	}
	if (sd_is_socket(SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
		log_err("the socket systemd passed is not a listening stream socket");
		return DX_E_CONFIG;
	}
	return SD_LISTEN_FDS_START;
}

static int create_socket(const char *path, int mode)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, rc;

	if (!path || !*path) {
		log_err("no socket path configured and no socket passed by systemd");
		return DX_E_CONFIG;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("socket path too long | path=%s", path);
		return DX_E_CONFIG;
	}
	strcpy(sun.sun_path, path);
	/* A stale socket from a previous run may be replaced; a file may not. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_err("could not create socket: a non-socket file exists | path=%s", path);
			return DX_E_CONFIG;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		log_err("could not create socket: %s", strerror(errno));
		return rc;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    (mode > 0 && chmod(path, (mode_t)mode) < 0) || listen(fd, SOMAXCONN) < 0) {
		rc = -errno;
		log_err("could not listen on socket: %s | path=%s", strerror(errno), path);
		close(fd);
		return rc;
	}
	return fd;
}

int http_server_run(const struct http_server_config *cfg)
{
	struct server srv = {.cfg = cfg, .listen_fd = -1, .wake_fd = -1, .epoll_fd = -1};
	struct worker *workers = NULL;
	sigset_t stopset, oldset;
	bool created = false;
	uint64_t one = 1;
	int rc = 0, i, started = 0, sig = 0, flags;

	if (cfg->threads < 1 || cfg->threads > HTTP_MAX_THREADS) {
		log_err("invalid number of responder threads | threads=%d", cfg->threads);
		return DX_E_CONFIG;
	}
	srv.max_body = cfg->max_body_bytes ? cfg->max_body_bytes : HTTP_DEFAULT_MAX_BODY;
	atomic_store(&server_stop, false);
	if (FCGX_Init() != 0) {
		log_err("could not initialise libfcgi");
		return DX_E_INTERNAL;
	}

	srv.listen_fd = passed_socket();
	if (srv.listen_fd == -2) {
		srv.listen_fd = create_socket(cfg->socket_path, cfg->socket_mode);
		created = true;
	}
	if (srv.listen_fd < 0)
		return srv.listen_fd;
	flags = fcntl(srv.listen_fd, F_GETFL);
	if (flags < 0 || fcntl(srv.listen_fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		rc = -errno;
		log_err("could not make the listening socket non-blocking: %s", strerror(errno));
		goto out;
	}
	srv.wake_fd = eventfd(0, EFD_CLOEXEC);
	if (srv.wake_fd < 0) {
		rc = -errno;
		log_err("could not create eventfd: %s", strerror(errno));
		goto out;
	}
	srv.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (srv.epoll_fd < 0 || server_arm(&srv, srv.listen_fd) < 0 ||
	    epoll_ctl(srv.epoll_fd, EPOLL_CTL_ADD, srv.wake_fd,
		      &(struct epoll_event){.events = EPOLLIN, .data.fd = srv.wake_fd}) < 0) {
		rc = -errno;
		log_err("could not create the epoll instance: %s", strerror(errno));
		goto out;
	}

	/* Threads inherit the mask: only main sees SIGTERM/SIGINT, via sigwait. */
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stopset, &oldset);

	workers = xcalloc((size_t)cfg->threads, sizeof(*workers));
	for (i = 0; i < cfg->threads; i++) {
		workers[i].srv = &srv;
		rc = pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]);
		if (rc != 0) {
			log_err("could not start responder thread: %s", strerror(rc));
			rc = -rc;
			goto stop;
		}
		started++;
	}
	log_notice("serving | threads=%d socket=%s max_body=%zu", cfg->threads,
		   created ? cfg->socket_path : "systemd", srv.max_body);
	sd_notify(0, "READY=1\nSTATUS=serving");

	while (sigwait(&stopset, &sig) != 0)
		;
	log_notice("stopping | signal=%s", sig == SIGTERM ? "TERM" : "INT");
stop:
	sd_notify(0, "STOPPING=1");
	atomic_store(&server_stop, true);
	FCGX_ShutdownPending();
	if (write(srv.wake_fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		log_err("could not wake responder threads: %s", strerror(errno));
	for (i = 0; i < started; i++)
		pthread_join(workers[i].tid, NULL);
	free(workers);
	pthread_sigmask(SIG_SETMASK, &oldset, NULL);
	log_notice("stopped | threads=%d", started);
out:
	/* Kept connections still in the set close with the process. */
	if (srv.epoll_fd >= 0)
		close(srv.epoll_fd);
	if (srv.wake_fd >= 0)
		close(srv.wake_fd);
	if (created) {
		close(srv.listen_fd);
		unlink(cfg->socket_path);
	}
	return rc;
}

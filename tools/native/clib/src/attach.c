/*
 * Latchkey's own SVM C library: the file-system and socket side of the JDK attach mechanism
 * (jcmd and friends; AttachHelper), for images built with --enable-monitoring=attach.
 * The protocol lives in Java: a client creates .attach_pid<pid> (the trigger) and sends SIGQUIT;
 * the image then listens on a UNIX socket at .java_pid<pid>, readable only by its own user.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static bool trusted(uid_t uid) {
    return uid == 0 || uid == geteuid();
}

/* A socket file left by an earlier process with our pid is stale: remove it. */
void svm_attach_startup(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0) {
        unlink(path);
    }
}

void svm_attach_listener_cleanup(int socket_fd, const char *path) {
    if (socket_fd >= 0) {
        shutdown(socket_fd, SHUT_RDWR);
        close(socket_fd);
    }
    if (path != NULL) {
        unlink(path);
    }
}

bool svm_attach_check_socket_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* The trigger counts only if its owner is our effective user or root. */
bool svm_attach_is_init_trigger(const char *path) {
    struct stat st;
    int r;
    while ((r = stat(path, &st)) == -1 && errno == EINTR) {
    }
    return r == 0 && trusted(st.st_uid);
}

/* Binds a listening socket at path.tmp, restricts it to the owner, then renames it to path. */
int svm_attach_create_listener(const char *path) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    int n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s.tmp", path);
    if (n < 0 || (size_t) n >= sizeof(addr.sun_path)) {
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    unlink(addr.sun_path);
    if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) != 0 || listen(fd, 5) != 0
        || chmod(addr.sun_path, S_IRUSR | S_IWUSR) != 0 || chown(addr.sun_path, geteuid(), getegid()) != 0
        || rename(addr.sun_path, path) != 0) {
        close(fd);
        unlink(addr.sun_path);
        return -1;
    }
    return fd;
}

/* Accepts the next client whose credentials are ours (or root's); -1 if accept fails. */
int svm_attach_wait_for_request(int listener) {
    for (;;) {
        int s = accept(listener, NULL, NULL);
        if (s < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        struct ucred cred;
        socklen_t len = sizeof(cred);
        if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0
            && (cred.uid == 0 || (cred.uid == geteuid() && cred.gid == getegid()))) {
            return s;
        }
        close(s);
    }
}

void svm_attach_shutdown_socket(int socket_fd) {
    shutdown(socket_fd, SHUT_RDWR);
}

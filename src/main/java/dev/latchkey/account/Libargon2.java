package dev.latchkey.account;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;

/**
 * The only class that names JNA. {@link PasswordHasher} reaches it by name, only on a JVM: the
 * native build leaves JNA out, so nothing reachable there may name it.
 * <p>
 * libargon2 is the reference implementation of argon2 (phc-winner-argon2), built by
 * {@code tools/argon2/build.sh} once per x86-64 micro-architecture level, because its SIMD path is
 * chosen when it is compiled: {@code x86-64-v4} (AVX-512F), {@code x86-64-v3} (AVX2),
 * {@code x86-64-v2} (SSSE3). The best level this CPU runs is loaded.
 * <p>
 * Its work area (19 MiB at the default parameters) is not malloc'd per hash: {@code argon2id_ctx}
 * takes an allocator from the caller, and ours hands out one of a few areas kept for the life of
 * the process ({@link WorkAreas}), at most one per core. With malloc, every worker thread that
 * hashed kept a 19 MiB arena of its own (RSS grew by hundreds of MiB under load), and a fresh
 * mapping cost the kernel's page zeroing on every hash.
 */
final class Libargon2 {

    /** argon2.h's {@code argon2_context}, field by field (phc-winner-argon2 20190702). */
    @Structure.FieldOrder({ "out", "outlen", "pwd", "pwdlen", "salt", "saltlen", "secret", "secretlen", "ad",
            "adlen", "t_cost", "m_cost", "lanes", "threads", "version", "allocate_cbk", "free_cbk", "flags" })
    public static final class Context extends Structure {
        public Pointer out;
        public int outlen;
        public Pointer pwd;
        public int pwdlen;
        public Pointer salt;
        public int saltlen;
        public Pointer secret;
        public int secretlen;
        public Pointer ad;
        public int adlen;
        public int t_cost;
        public int m_cost;
        public int lanes;
        public int threads;
        public int version;
        public Allocate allocate_cbk;
        public Deallocate free_cbk;
        public int flags;
    }

    /** {@code int (*allocate_fptr)(uint8_t **memory, size_t bytes_to_allocate)} */
    public interface Allocate extends Callback {
        int invoke(PointerByReference memory, long bytes);
    }

    /** {@code void (*deallocate_fptr)(uint8_t *memory, size_t bytes_to_allocate)} */
    public interface Deallocate extends Callback {
        void invoke(Pointer memory, long bytes);
    }

    /** The functions used (argon2.h). */
    interface Api extends Library {
        int argon2id_ctx(Context context);

        String argon2_error_message(int code);
    }

    static final String DIRECTORY = "argon2";
    static final String FILE = "libargon2.so";

    /** argon2.h's {@code ARGON2_VERSION_13}, {@code ARGON2_FLAG_CLEAR_PASSWORD}, error codes. */
    private static final int VERSION_13 = 0x13;
    private static final int FLAG_CLEAR_PASSWORD = 1;
    private static final int OK = 0;
    private static final int MEMORY_ALLOCATION_ERROR = -22;
    /** argon2 works in 1 KiB blocks, at least 8 of them for one lane. */
    private static final int BLOCK = 1024;
    private static final int MIN_BLOCKS = 8;

    /** The area reserved for the hash running on this thread (the allocator runs on the caller's thread). */
    private static final ThreadLocal<Memory> RESERVED = new ThreadLocal<>();
    /** Held for the life of the class: JNA keeps only weak references to callbacks. */
    private static final Allocate ALLOCATE = (memory, bytes) -> {
        Memory area = RESERVED.get();
        if (area == null || area.size() < bytes) {
            return MEMORY_ALLOCATION_ERROR;
        }
        memory.setValue(area);
        return OK;
    };
    private static final Deallocate KEEP = (memory, bytes) -> {
        // libargon2 has wiped it; the area goes back to the pool when the call returns
    };

    private Libargon2() {
    }

    /**
     * libargon2 for the best level this CPU supports, from the first directory that holds it:
     * {@code java.library.path}'s, then {@code lib/native} beside the jar the JVM was started with
     * ({@code java -jar quarkus-app/quarkus-run.jar}).
     *
     * @throws RuntimeException or {@link LinkageError} when none is there or it cannot be loaded
     */
    static NativeArgon2 load() {
        List<String> levels = levels(cpuFlags());
        List<Path> roots = roots();
        for (String level : levels) {
            for (Path root : roots) {
                Path candidate = root.resolve(DIRECTORY).resolve(level).resolve(FILE);
                if (Files.isRegularFile(candidate)) {
                    return loadFrom(candidate, level);
                }
            }
        }
        throw new IllegalStateException("no " + DIRECTORY + "/{" + String.join(",", levels) + "}/" + FILE + " under "
                + roots + " (tools/argon2/build.sh makes them)");
    }

    /** The library in {@code file}, built for {@code level}, with one work area per core at most. */
    static NativeArgon2 loadFrom(Path file, String level) {
        return loadFrom(file, level, new WorkAreas(Runtime.getRuntime().availableProcessors()));
    }

    static NativeArgon2 loadFrom(Path file, String level, WorkAreas areas) {
        Api api = Native.load(file.toAbsolutePath().toString(), Api.class);
        Argon2Function function = (password, salt, iterations, memoryKib, length) -> hash(api, areas, password, salt,
                iterations, memoryKib, length);
        return new NativeArgon2(function, level + ", " + file.toAbsolutePath());
    }

    private static byte[] hash(Api api, WorkAreas areas, byte[] password, byte[] salt, int iterations, int memoryKib,
            int length) {
        long bytes = (long) Math.max(memoryKib, MIN_BLOCKS) * BLOCK;
        try (Memory pwd = copy(password); Memory saltCopy = copy(salt); Memory out = new Memory(length)) {
            Context context = new Context();
            context.out = out;
            context.outlen = length;
            context.pwd = pwd;
            context.pwdlen = password.length;
            context.salt = saltCopy;
            context.saltlen = salt.length;
            context.t_cost = iterations;
            context.m_cost = memoryKib;
            context.lanes = 1;
            context.threads = 1;
            context.version = VERSION_13;
            context.allocate_cbk = ALLOCATE;
            context.free_cbk = KEEP;
            context.flags = FLAG_CLEAR_PASSWORD;
            Memory area = areas.take(bytes);
            int rc;
            RESERVED.set(area);
            try {
                rc = api.argon2id_ctx(context);
            } finally {
                RESERVED.remove();
                areas.give(area);
                pwd.clear();
            }
            if (rc != OK) {
                throw new IllegalStateException("libargon2: " + api.argon2_error_message(rc));
            }
            return out.getByteArray(0, length);
        }
    }

    private static Memory copy(byte[] bytes) {
        Memory memory = new Memory(Math.max(bytes.length, 1));
        memory.write(0, bytes, 0, bytes.length);
        return memory;
    }

    /**
     * The work areas, kept between hashes: at most {@code max} exist (one per core: the
     * {@link PasswordHasher} runs one hash per core at a time, so none waits here), each made on
     * first need and grown when a stored hash asks for more memory. One larger than
     * {@link #KEEP_LIMIT} (old parameters, read from a stored hash) is freed after its hash.
     */
    static final class WorkAreas {
        static final long KEEP_LIMIT = 64L * 1024 * 1024;

        private final Semaphore slots;
        private final ConcurrentLinkedQueue<Memory> idle = new ConcurrentLinkedQueue<>();
        private final AtomicInteger made = new AtomicInteger();

        WorkAreas(int max) {
            this.slots = new Semaphore(max, true);
        }

        Memory take(long bytes) {
            slots.acquireUninterruptibly();
            try {
                Memory area = idle.poll();
                if (area != null && area.size() >= bytes) {
                    return area;
                }
                if (area != null) {
                    area.close();
                }
                made.incrementAndGet();
                return new Memory(bytes);
            } catch (RuntimeException | Error e) {
                slots.release();
                throw e;
            }
        }

        void give(Memory area) {
            if (area.size() > KEEP_LIMIT) {
                area.close();
            } else {
                idle.add(area);
            }
            slots.release();
        }

        /** How many areas were made (a test's view: they are reused, not made per hash). */
        int made() {
            return made.get();
        }

        /** How many are kept now. */
        int kept() {
            return idle.size();
        }
    }

    /**
     * The x86-64 levels whose features the kernel reports, best first. LZCNT ({@code abm}) and MOVBE
     * are not asked for: some hypervisors hide them on CPUs that have AVX-512, and
     * tools/argon2/build.sh keeps no library that uses them.
     */
    static List<String> levels(Set<String> flags) {
        List<String> levels = new ArrayList<>();
        boolean v2 = flags.containsAll(Set.of("cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"));
        boolean v3 = v2 && flags.containsAll(Set.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "xsave"));
        boolean v4 = v3 && flags.containsAll(Set.of("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"));
        if (v4) {
            levels.add("x86-64-v4");
        }
        if (v3) {
            levels.add("x86-64-v3");
        }
        if (v2) {
            levels.add("x86-64-v2");
        }
        return levels;
    }

    /** The CPU flags of /proc/cpuinfo (the kernel leaves out what the OS does not enable). */
    static Set<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return new HashSet<>(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: no level, so Bouncy Castle
        }
        return Set.of();
    }

    private static List<Path> roots() {
        List<Path> roots = new ArrayList<>();
        for (String dir : System.getProperty("java.library.path", "").split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                roots.add(Path.of(dir));
            }
        }
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
            Path jarDir = Path.of(classPath).toAbsolutePath().getParent();
            if (jarDir != null) {
                roots.add(jarDir.resolve("lib").resolve("native"));
            }
        }
        return roots;
    }
}

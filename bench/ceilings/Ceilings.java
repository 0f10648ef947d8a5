import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.jose4j.base64url.Base64Url;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.bouncycastle.crypto.params.Argon2Parameters;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * The physical ceilings the service's throughput is compared with, measured on ONE thread
 * (set CEILING_CPU to also pin the JVM to one CPU with taskset):
 * <ul>
 * <li>RS256 signing rate with the library and the claim shape the service uses
 * (smallrye-jwt-build {@code Jwt.claims()...jws().sign(privateKey)}, 2048-bit key, kid and typ
 * headers), i.e. the JDK's SunRsaSign: the work of every refresh and login that no tuning can
 * remove.</li>
 * <li>The same RS256 signature the way the service's AccessTokenSigner makes it by default: the
 * same header and claims, signed with {@code Signature.getInstance("SHA256withRSA", accp)} by
 * Amazon Corretto Crypto Provider (native) with its own key object. Reported as
 * {@code rs256_sign_accp}; {@code null} with the reason where ACCP does not load.</li>
 * <li>argon2id verify time with Bouncy Castle's {@code Argon2BytesGenerator} and exactly the
 * service's parameters (argon2id, v=19, m=19456 KiB, t=2, p=1, 32-byte output), called the way
 * {@code PasswordHasher.verify} calls it (a new generator per verification, constant-time
 * comparison): the work of every login where libargon2 cannot load.</li>
 * <li>The same argon2id verification through libargon2 (the reference C code built per x86-64
 * level by tools/argon2/build.sh), loaded by the service's own Libargon2 class as PasswordHasher
 * does by default: {@code argon2id_verify_libargon2}; {@code null} with the reason where it does
 * not load. Needs the app jar on the class path and {@code -Djava.library.path=quarkus-app/lib/native}.</li>
 * </ul>
 * Both are reported as the thread's CPU time per operation (what one operation costs a core,
 * however busy the machine is) and as the wall-clock rate of the one thread (the same thing on a
 * quiet machine; lower when other processes share the core).
 * <p>
 * Run with the service's own runtime jars on the class path (target/quarkus-app/lib/{boot,main}),
 * so the versions are the service's. Prints one JSON object on stdout.
 * <p>
 * Usage (bench.mjs does this): {@code javac -d OUT -cp CP Ceilings.java && java -cp OUT:CP Ceilings KEY.pem WARMUP_S MEASURE_S}
 * with CP = {@code target/quarkus-app/lib/boot/*:target/quarkus-app/lib/main/*}. Compile it: run as
 * {@code java Ceilings.java} (the source launcher) the argon2id verify came out almost 3 times
 * slower on JDK 17, as if C2 never compiled it.
 */
public class Ceilings {

    static volatile Object sink;

    /** argon2id exactly as PasswordHasher computes it. */
    static byte[] argon2id(byte[] password, byte[] salt) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(19456).withIterations(2)
                .withParallelism(1).withSalt(salt).build());
        byte[] out = new byte[32];
        generator.generateBytes(password, out);
        return out;
    }

    public static void main(String[] args) throws Exception {
        PrivateKey key = readPkcs8(Path.of(args[0]));
        double warmup = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        double measure = args.length > 2 ? Double.parseDouble(args[2]) : 5;

        String kid = "bench-kid";
        String sub = UUID.randomUUID().toString();
        String sid = UUID.randomUUID().toString();
        Runnable sign = () -> {
            long now = Instant.now().getEpochSecond();
            sink = Jwt.claims()
                    .subject(sub)
                    .upn("bench-user-1")
                    .preferredUserName("bench-user-1")
                    .groups(Set.of("user"))
                    .claim("sid", sid)
                    .issuer("http://localhost:18080")
                    .claim("jti", UUID.randomUUID().toString())
                    .issuedAt(now)
                    .expiresAt(now + 900)
                    .audience("latchkey")
                    .jws()
                    .algorithm(SignatureAlgorithm.RS256)
                    .keyId(kid)
                    .header("typ", "at+jwt")
                    .sign(key);
        };

        // AccessTokenSigner's path: its header is constant, the claims are serialized by jose4j
        String header = Base64Url.encodeUtf8ByteRepresentation("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}");
        Provider accp = null;
        String accpError = null;
        PrivateKey accpKey = null;
        try {
            com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider p = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
            p.assertHealthy();
            accpKey = (PrivateKey) KeyFactory.getInstance("RSA", p).translateKey(key);
            accp = p;
        } catch (Throwable e) {
            accpError = e.toString();
        }
        Signature accpSignature = accp == null ? null : Signature.getInstance("SHA256withRSA", accp);
        if (accpSignature != null) {
            accpSignature.initSign(accpKey);
        }
        Runnable signAccp = () -> {
            long now = Instant.now().getEpochSecond();
            JwtClaims claims = new JwtClaims();
            claims.setSubject(sub);
            claims.setClaim("upn", "bench-user-1");
            claims.setClaim("preferred_username", "bench-user-1");
            claims.setClaim("groups", List.of("user"));
            claims.setClaim("sid", sid);
            claims.setIssuer("http://localhost:18080");
            claims.setClaim("jti", UUID.randomUUID().toString());
            claims.setIssuedAt(NumericDate.fromSeconds(now));
            claims.setExpirationTime(NumericDate.fromSeconds(now + 900));
            claims.setAudience("latchkey");
            String input = header + "." + Base64Url.encodeUtf8ByteRepresentation(claims.toJson());
            try {
                accpSignature.update(input.getBytes(StandardCharsets.US_ASCII));
                sink = input + "." + Base64Url.encode(accpSignature.sign());
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        };

        byte[] password = Normalizer.normalize("bench passphrase 2026 1", Normalizer.Form.NFKC)
                .getBytes(StandardCharsets.UTF_8);
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        byte[] expected = argon2id(password, salt);
        String phc = "$argon2id$v=19$m=19456,t=2,p=1$" + java.util.Base64.getEncoder().withoutPadding().encodeToString(salt);
        Runnable verify = () -> {
            if (!java.security.MessageDigest.isEqual(argon2id(password, salt), expected)) {
                throw new IllegalStateException("argon2id verify failed");
            }
        };

        // libargon2, loaded the way PasswordHasher loads it by default (its Libargon2 class, the best
        // level this CPU runs, from java.library.path = quarkus-app/lib/native), checked against
        // Bouncy Castle's bytes first
        Runnable verifyLibargon2 = null;
        String libargon2Error = null;
        String libargon2From = null;
        try {
            Class<?> libargon2 = Class.forName("dev.latchkey.account.Libargon2");
            java.lang.reflect.Method load = libargon2.getDeclaredMethod("load");
            load.setAccessible(true);
            Object loaded = load.invoke(null);
            java.lang.reflect.Method functionOf = loaded.getClass().getDeclaredMethod("function");
            functionOf.setAccessible(true);
            java.lang.reflect.Method fromOf = loaded.getClass().getDeclaredMethod("from");
            fromOf.setAccessible(true);
            Object function = functionOf.invoke(loaded);
            java.lang.reflect.Method argon2id = Class.forName("dev.latchkey.account.Argon2Function")
                    .getDeclaredMethod("argon2id", byte[].class, byte[].class, int.class, int.class, int.class);
            argon2id.setAccessible(true);
            libargon2From = (String) fromOf.invoke(loaded);
            java.util.function.Supplier<byte[]> hash = () -> {
                try {
                    return (byte[]) argon2id.invoke(function, password, salt, 2, 19456, 32);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            if (!java.security.MessageDigest.isEqual(hash.get(), expected)) {
                throw new IllegalStateException("libargon2's argon2id differs from Bouncy Castle's");
            }
            verifyLibargon2 = () -> {
                if (!java.security.MessageDigest.isEqual(hash.get(), expected)) {
                    throw new IllegalStateException("argon2id verify failed");
                }
            };
        } catch (Exception | LinkageError e) {
            libargon2Error = (e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e).toString();
        }

        Result rs = run(sign, warmup, measure);
        String accpJson = accp == null ? "null" : run(signAccp, warmup, measure).json();
        Result ar = run(verify, warmup, measure);
        String libargon2Json = verifyLibargon2 == null ? "null" : run(verifyLibargon2, warmup, measure).json();
        // the same on every core at once, as the service runs it under load (one hash per core):
        // the cores share the memory bus and the last-level cache, so each hash costs more than alone
        String libargon2AllCoresJson = verifyLibargon2 == null ? "null"
                : allCores(verifyLibargon2, Runtime.getRuntime().availableProcessors(), warmup, measure);
        System.out.println("{\"rs256_sign\":" + rs.json() + ",\"rs256_sign_accp\":" + accpJson
                + ",\"rs256_sign_accp_error\":" + (accpError == null ? "null" : "\"" + accpError.replace("\\", "/").replace("\"", "'") + "\"")
                + ",\"argon2id_verify\":" + ar.json()
                + ",\"argon2id_verify_libargon2\":" + libargon2Json
                + ",\"argon2id_verify_libargon2_all_cores\":" + libargon2AllCoresJson
                + ",\"argon2id_libargon2_level\":" + (libargon2From == null ? "null" : "\"" + libargon2From.split(",")[0] + "\"")
                + ",\"argon2id_libargon2_error\":" + (libargon2Error == null ? "null" : "\"" + libargon2Error.replace("\\", "/").replace("\"", "'") + "\"")
                + ",\"java\":\"" + System.getProperty("java.vm.version") + "\",\"available_processors\":"
                + Runtime.getRuntime().availableProcessors() + ",\"phc_params\":\""
                + phc.substring(0, phc.indexOf('$', phc.indexOf("m="))) + "\"}");
    }

    /**
     * Consecutive one-second slices, each with its wall-clock rate and the CPU time the thread
     * spent per op. The CPU time is what the operation costs a core: it does not grow when other
     * processes take the core away for a while, where the wall-clock rate does. Medians over the
     * slices, so that a burst of other work spoils a slice or two, not the result.
     */
    record Result(long ops, double seconds, double cpuSeconds, double[] wallRates, double[] cpuMsEach) {
        String json() {
            double wall = median(wallRates);
            double cpuMs = median(cpuMsEach);
            return String.format(Locale.ROOT,
                    "{\"ops\":%d,\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"cpu_ms_each\":%.4f,\"cpu_per_second\":%.2f,"
                            + "\"wall_per_second\":%.2f,\"wall_ms_each\":%.4f,\"best_wall_slice_per_second\":%.2f,\"slices\":%d}",
                    ops, seconds, cpuSeconds, cpuMs, 1000 / cpuMs, wall, 1000 / wall,
                    Arrays.stream(wallRates).max().orElse(0), wallRates.length);
        }
    }

    /**
     * {@code op} on {@code threads} threads at once for {@code measure} seconds (after {@code warmup}):
     * the ops per second of all of them together and the CPU time per op.
     */
    static String allCores(Runnable op, int threads, double warmup, double measure) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            List<java.util.concurrent.Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
                    while (System.nanoTime() < warmEnd) {
                        op.run();
                    }
                    start.await();
                    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    long end = t0 + (long) (measure * 1e9);
                    long ops = 0;
                    while (System.nanoTime() < end) {
                        op.run();
                        ops++;
                    }
                    return new long[] { ops, mx.getCurrentThreadCpuTime() - cpu0, System.nanoTime() - t0 };
                }));
            }
            long ops = 0;
            long cpu = 0;
            long wall = 0;
            for (var result : results) {
                long[] r = result.get();
                ops += r[0];
                cpu += r[1];
                wall = Math.max(wall, r[2]);
            }
            return String.format(Locale.ROOT, "{\"threads\":%d,\"ops\":%d,\"per_second\":%.2f,\"cpu_ms_each\":%.4f}", threads,
                    ops, ops / (wall / 1e9), cpu / 1e6 / ops);
        } finally {
            pool.shutdown();
        }
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * Runs {@code op} for {@code warmup} seconds unmeasured, then for {@code measure} seconds
     * measured, in slices of about one second (at least 5 ops each).
     */
    static Result run(Runnable op, double warmup, double measure) {
        long end = System.nanoTime() + (long) (warmup * 1e9);
        while (System.nanoTime() < end) {
            op.run();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> rates = new ArrayList<>();
        List<Double> cpuEach = new ArrayList<>();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        end = start + (long) (measure * 1e9);
        long ops = 0;
        long now = start;
        long cpuNow = cpuStart;
        do {
            long sliceStart = now;
            long sliceCpu = cpuNow;
            long sliceEnd = sliceStart + 1_000_000_000L;
            long sliceOps = 0;
            do {
                op.run();
                sliceOps++;
                now = System.nanoTime();
            } while (now < sliceEnd || sliceOps < 5);
            cpuNow = threads.getCurrentThreadCpuTime();
            ops += sliceOps;
            rates.add(sliceOps / ((now - sliceStart) / 1e9));
            cpuEach.add((cpuNow - sliceCpu) / 1e6 / sliceOps);
        } while (now < end);
        return new Result(ops, (now - start) / 1e9, (cpuNow - cpuStart) / 1e9,
                rates.stream().mapToDouble(Double::doubleValue).toArray(),
                cpuEach.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static PrivateKey readPkcs8(Path pem) throws Exception {
        String text = Files.readString(pem);
        String body = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }
}

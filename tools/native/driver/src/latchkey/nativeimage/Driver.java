package latchkey.nativeimage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Latchkey's own {@code native-image} command: turns the command line that Quarkus (and people)
 * give {@code native-image} into one call of the image builder that Maven Central ships
 * ({@code com.oracle.svm.hosted.NativeImageGeneratorRunner} in {@code svm.jar}), run on the JVMCI JDK
 * of this GraalVM home.
 *
 * <p>Why our own: no registry we can reach ships GraalVM's driver. Why this small: the builder
 * itself understands every {@code -H:} option; the driver only has to (1) answer {@code --version}
 * in the form Quarkus parses, (2) translate the public {@code --xyz} options into their {@code -H:}
 * options (the table below lists the ones of GraalVM 25's {@code @APIOption} annotations that a
 * build on Linux can use), (3) set up the class path from {@code -cp} or {@code -jar} and its
 * manifest, (4) apply each class-path entry's {@code META-INF/native-image/**}: the {@code Args} and
 * {@code JavaArgs} of {@code native-image.properties} (with {@code ${.}} replaced by the resource
 * folder of that file) and its JSON configuration files, minus what {@code --exclude-config}
 * excludes, and (5) start the builder JVM with {@code -J} options, {@code -D} properties and a heap
 * limit ({@code -J-Xmx}, else {@code $LATCHKEY_NATIVE_XMX}, else 6g).
 *
 * <p>Options this driver does not know fail the build with a clear message rather than being
 * dropped silently.
 */
public final class Driver {

    static final String GRAAL_VERSION = "25.0.2";
    static final String VENDOR_VERSION = "GraalVM CE 25.0.2+10.1";
    static final String JDK_BUILD = "25.0.2+10-jvmci-b01";

    /** The JSON configuration files a class-path entry may carry, and the builder option that reads each. */
    static final Map<String, String> CONFIG_FILES = Map.of(
                    "reflect-config.json", "ReflectionConfigurationResources",
                    "resource-config.json", "ResourceConfigurationResources",
                    "jni-config.json", "JNIConfigurationResources",
                    "proxy-config.json", "DynamicProxyConfigurationResources",
                    "serialization-config.json", "SerializationConfigurationResources",
                    "predefined-classes-config.json", "PredefinedClassesConfigurationResources",
                    "reachability-metadata.json", "ReachabilityMetadataResources");

    /** An API option: its builder option, and either a fixed value, or a suffix added to the given value. */
    record Api(String hosted, String fixed, String suffix, String defaultValue) {
    }

    /** {@code --name} options (from GraalVM 25.0.2's @APIOption annotations) to builder options. */
    static final Map<String, Api> API = Map.ofEntries(
                    Map.entry("features", new Api("Features", null, "", null)),
                    Map.entry("initialize-at-build-time", new Api("ClassInitialization", null, ":build_time", "")),
                    Map.entry("initialize-at-run-time", new Api("ClassInitialization", null, ":run_time", "")),
                    Map.entry("link-at-build-time", new Api("LinkAtBuildTime", null, "", "")),
                    Map.entry("link-at-build-time-paths", new Api("LinkAtBuildTimePaths", null, "", null)),
                    Map.entry("no-fallback", new Api("FallbackThreshold", "0", "", null)),
                    Map.entry("auto-fallback", new Api("FallbackThreshold", "5", "", null)),
                    Map.entry("force-fallback", new Api("FallbackThreshold", "10", "", null)),
                    Map.entry("enable-http", new Api("EnableURLProtocols", "http", "", null)),
                    Map.entry("enable-https", new Api("EnableURLProtocols", "https", "", null)),
                    Map.entry("enable-url-protocols", new Api("EnableURLProtocols", null, "", null)),
                    Map.entry("enable-all-security-services", new Api("EnableAllSecurityServices", "+", "", null)),
                    Map.entry("install-exit-handlers", new Api("InstallExitHandlers", "+", "", null)),
                    Map.entry("report-unsupported-elements-at-runtime", new Api("ReportUnsupportedElementsAtRuntime", "+", "", null)),
                    Map.entry("allow-incomplete-classpath", new Api("AllowIncompleteClasspath", "+", "", null)),
                    Map.entry("strict-image-heap", new Api("StrictImageHeap", "+", "", null)),
                    Map.entry("enable-monitoring", new Api("EnableMonitoringFeatures", null, "", "all")),
                    Map.entry("parallelism", new Api("NumberOfThreads", null, "", null)),
                    Map.entry("static", new Api("StaticExecutable", "+", "", null)),
                    Map.entry("static-nolibc", new Api("StaticExecutableWithDynamicLibC", "+", "", null)),
                    Map.entry("shared", new Api("SharedLibrary", "+", "", null)),
                    Map.entry("libc", new Api("UseLibC", null, "", null)),
                    Map.entry("target", new Api("TargetPlatform", null, "", null)),
                    Map.entry("trace-class-initialization", new Api("TraceClassInitialization", null, "", null)),
                    Map.entry("trace-object-instantiation", new Api("TraceObjectInstantiation", null, "", null)),
                    Map.entry("color", new Api("Color", null, "", "auto")),
                    Map.entry("silent", new Api("BuildOutputSilent", "+", "", null)),
                    Map.entry("native-compiler-path", new Api("CCompilerPath", null, "", null)),
                    Map.entry("native-compiler-options", new Api("CCompilerOption", null, "", null)),
                    Map.entry("native-image-info", new Api("DumpTargetInfo", "+", "", null)),
                    Map.entry("list-cpu-features", new Api("ListCPUFeatures", "+", "", null)),
                    Map.entry("exact-reachability-metadata", new Api("ThrowMissingRegistrationErrors", null, "", "")),
                    Map.entry("exact-reachability-metadata-path", new Api("ThrowMissingRegistrationErrorsPaths", null, "", null)),
                    Map.entry("configure-reflection-metadata", new Api("ConfigureReflectionMetadata", "+", "", null)),
                    Map.entry("future-defaults", new Api("FutureDefaults", null, "", "all")),
                    Map.entry("add-exports", new Api("AddExports", null, "", null)),
                    Map.entry("add-opens", new Api("AddOpens", null, "", null)),
                    Map.entry("add-reads", new Api("AddReads", null, "", null)),
                    Map.entry("enable-native-access", new Api("EnableNativeAccess", null, "", null)));

    /** API options whose value may also follow as the next argument ({@code --add-opens a/b=c}). */
    static final Set<String> SPACE_SEPARATED = Set.of("add-exports", "add-opens", "add-reads", "enable-native-access");

    final Path home;
    final List<String> jvmArgs = new ArrayList<>();
    final List<String> builderArgs = new ArrayList<>();
    final List<String> metaInfArgs = new ArrayList<>();
    final List<String> classPath = new ArrayList<>();
    final List<Pattern[]> excludeConfig = new ArrayList<>();
    String mainClass;
    String imageName;
    Path imagePath = Path.of("").toAbsolutePath();
    boolean verbose;
    boolean dryRun;
    boolean usedJar;

    Driver(Path home) {
        this.home = home;
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("latchkey.graalvm.home"));
        try {
            System.exit(new Driver(home).run(List.of(args)));
        } catch (UsageException e) {
            System.err.println("native-image (Latchkey driver): " + e.getMessage());
            System.exit(2);
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    int run(List<String> rawArgs) {
        List<String> args = expandArgFiles(rawArgs);
        if (args.contains("--version") || args.contains("-version")) {
            System.out.println("native-image " + GRAAL_VERSION + " 2026-01-20");
            System.out.println("GraalVM Runtime Environment " + VENDOR_VERSION + " (build " + JDK_BUILD + ")");
            System.out.println("Substrate VM " + VENDOR_VERSION + " (build " + JDK_BUILD + ", serial gc)");
            return 0;
        }
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            System.out.println("usage: native-image [options] -jar <jar> | -cp <class path> <main class> [<image name>]");
            System.out.println("Latchkey's driver for the GraalVM " + GRAAL_VERSION + " image builder; see tools/native/README.md.");
            return args.isEmpty() ? 2 : 0;
        }
        parseCommandLine(args);
        if (classPath.isEmpty()) {
            throw new UsageException("no class path: give -cp <path> or -jar <jar>");
        }
        for (String entry : List.copyOf(classPath)) {
            applyMetaInf(Path.of(entry));
        }
        if (imageName == null) {
            imageName = mainClass == null ? "image" : mainClass.substring(mainClass.lastIndexOf('.') + 1).toLowerCase();
        }
        List<String> command = builderCommand();
        if (verbose || dryRun || System.getenv("LATCHKEY_NATIVE_VERBOSE") != null) {
            System.out.println("native-image " + String.join(" ", rawArgs));
            System.out.println(String.join(" \\\n  ", command));
        }
        if (dryRun) {
            return 0;
        }
        try {
            Process builder = new ProcessBuilder(command).inheritIO().start();
            Runtime.getRuntime().addShutdownHook(new Thread(builder::destroy));
            return builder.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** {@code @file} arguments hold more arguments, one or more per line (as for java). */
    static List<String> expandArgFiles(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("@") && a.length() > 1 && Files.isRegularFile(Path.of(a.substring(1)))) {
                try {
                    out.addAll(expandArgFiles(tokenize(Files.readString(Path.of(a.substring(1))))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                out.add(a);
            }
        }
        return out;
    }

    void parseCommandLine(List<String> args) {
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-cp", "-classpath", "--class-path" -> addClassPath(next(args, ++i, a));
                case "-jar" -> {
                    usedJar = true;
                    addJar(Path.of(next(args, ++i, a)).toAbsolutePath());
                }
                case "-o" -> setOutput(next(args, ++i, a));
                case "--exclude-config" -> {
                    excludeConfig.add(new Pattern[]{Pattern.compile(next(args, ++i, a)), Pattern.compile(next(args, ++i, a))});
                }
                case "--verbose", "-v" -> verbose = true;
                case "--dry-run" -> dryRun = true;
                case "--no-server", "--native-image-info-only" -> {
                }
                default -> {
                    if (a.startsWith("--class-path=")) {
                        addClassPath(a.substring("--class-path=".length()));
                    } else if (SPACE_SEPARATED.contains(a.substring(Math.min(2, a.length()))) && a.startsWith("--")) {
                        builderArgs.add(apiOption(a.substring(2), next(args, ++i, a), "user+api"));
                    } else if (a.startsWith("-")) {
                        option(a, builderArgs, "user+api", null);
                    } else {
                        positional.add(a);
                    }
                }
            }
        }
        if (!positional.isEmpty()) {
            // -cp <path> <main class> [<image name>], or -jar <jar> [<image name>]
            if (!usedJar) {
                mainClass = positional.remove(0);
            }
            if (!positional.isEmpty()) {
                setOutput(positional.remove(0));
            }
            if (!positional.isEmpty()) {
                throw new UsageException("unexpected arguments " + positional);
            }
        }
    }

    static String next(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    /**
     * One option that is neither about the class path nor the output: into {@code out} as builder
     * arguments, or into the builder JVM's arguments. {@code origin} tells the builder where an option
     * came from ({@code user+api} for the command line, a jar: URI for a native-image.properties).
     */
    void option(String a, List<String> out, String origin, String resourceDir) {
        if (a.startsWith("-J")) {
            jvmArgs.add(a.substring(2));
        } else if (a.startsWith("-D")) {
            jvmArgs.add(a);
        } else if (a.startsWith("-H:") || a.startsWith("-R:")) {
            out.add(resourceDir == null ? a : withOrigin(a, origin));
        } else if (a.startsWith("-E")) {
            // lets the build see an environment variable: the builder inherits our whole environment
        } else if (a.startsWith("-march=")) {
            out.add("-H:MicroArchitecture=" + a.substring(7));
        } else if (a.startsWith("-O")) {
            out.add("-H:Optimize=" + a.substring(2));
        } else if (a.equals("-g")) {
            out.add("-H:GenerateDebugInfo=2");
        } else if (a.startsWith("--gc=")) {
            String gc = a.substring(5);
            switch (gc) {
                case "serial" -> out.add("-H:+UseSerialGC");
                case "epsilon" -> out.add("-H:+UseEpsilonGC");
                default -> throw new UsageException("--gc=" + gc + " is not available in GraalVM CE (serial or epsilon)");
            }
        } else if (a.startsWith("--")) {
            String body = a.substring(2);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            String value = eq < 0 ? null : body.substring(eq + 1);
            out.add(apiOption(name, value, resourceDir == null ? origin : origin + "+api"));
        } else {
            throw new UsageException("unsupported option " + a);
        }
    }

    String apiOption(String name, String value, String origin) {
        Api api = API.get(name);
        if (api == null) {
            throw new UsageException("unsupported option --" + name + " (tools/native/driver knows " + API.keySet().stream().sorted().toList() + ")");
        }
        String at = "@" + origin;
        if ("+".equals(api.fixed())) {
            if (value != null && !value.equals("true")) {
                return "-H:-" + api.hosted() + at;
            }
            return "-H:+" + api.hosted() + at;
        }
        if (api.fixed() != null) {
            return "-H:" + api.hosted() + at + "=" + api.fixed();
        }
        if (value == null) {
            if (api.defaultValue() == null) {
                throw new UsageException("--" + name + " needs a value");
            }
            value = api.defaultValue();
        }
        if (!api.suffix().isEmpty()) {
            // a comma-separated list, each element with the suffix (":build_time", ":run_time")
            List<String> parts = new ArrayList<>();
            for (String part : value.split(",", -1)) {
                parts.add(part + api.suffix());
            }
            value = String.join(",", parts);
        }
        return "-H:" + api.hosted() + at + "=" + value;
    }

    /** {@code -H:Name=value} becomes {@code -H:Name@origin=value} (booleans: {@code -H:+Name@origin}). */
    static String withOrigin(String a, String origin) {
        String body = a.substring(3);
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        if (name.contains("@")) {
            return a;
        }
        return a.substring(0, 3) + name + "@" + origin + (eq < 0 ? "" : body.substring(eq));
    }

    void addClassPath(String cp) {
        for (String e : cp.split(":")) {
            if (!e.isEmpty()) {
                String abs = Path.of(e).toAbsolutePath().normalize().toString();
                if (!classPath.contains(abs)) {
                    classPath.add(abs);
                }
            }
        }
    }

    /** The jar, the entries of its manifest's Class-Path (relative to the jar's folder), and its Main-Class. */
    void addJar(Path jar) {
        addClassPath(jar.toString());
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            if (m != null) {
                String main = m.getMainAttributes().getValue("Main-Class");
                if (main != null && mainClass == null) {
                    mainClass = main;
                }
                String cp = m.getMainAttributes().getValue("Class-Path");
                if (cp != null) {
                    for (String rel : cp.trim().split("\\s+")) {
                        if (!rel.isEmpty()) {
                            addClassPath(jar.getParent().resolve(rel.replace("%20", " ")).normalize().toString());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + jar + ": " + e.getMessage());
        }
        if (imageName == null) {
            String file = jar.getFileName().toString();
            imageName = file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
        }
    }

    void setOutput(String o) {
        Path p = Path.of(o);
        if (p.getParent() != null) {
            imagePath = p.getParent().toAbsolutePath();
        }
        imageName = p.getFileName().toString();
    }

    boolean excluded(Path entry, String resource) {
        for (Pattern[] ex : excludeConfig) {
            if (ex[0].matcher(entry.toString()).find() && ex[1].matcher("/" + resource).find()) {
                return true;
            }
        }
        return false;
    }

    /** Applies META-INF/native-image/** of one class-path entry (a jar or a folder). */
    void applyMetaInf(Path entry) {
        if (Files.isDirectory(entry)) {
            Path root = entry.resolve("META-INF/native-image");
            if (!Files.isDirectory(root)) {
                return;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    String resource = entry.relativize(f).toString();
                    metaInfFile(entry, resource, f.toUri().toString(), () -> Files.newInputStream(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else if (Files.isRegularFile(entry)) {
            try (ZipFile zip = new ZipFile(entry.toFile())) {
                List<String> names = new ArrayList<>();
                for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
                    ZipEntry ze = en.nextElement();
                    if (!ze.isDirectory() && ze.getName().startsWith("META-INF/native-image/")) {
                        names.add(ze.getName());
                    }
                }
                names.sort(null);
                for (String name : names) {
                    String uri = "jar:" + entry.toUri() + "!/" + name;
                    metaInfFile(entry, name, uri, () -> zip.getInputStream(zip.getEntry(name)));
                }
            } catch (IOException e) {
                throw new UsageException("cannot read " + entry + ": " + e.getMessage());
            }
        }
    }

    interface Opener {
        InputStream open() throws IOException;
    }

    void metaInfFile(Path entry, String resource, String uri, Opener opener) throws IOException {
        String file = resource.substring(resource.lastIndexOf('/') + 1);
        String dir = resource.substring(0, resource.lastIndexOf('/'));
        boolean isProperties = file.equals("native-image.properties");
        String configOption = CONFIG_FILES.get(file);
        if ((!isProperties && configOption == null) || excluded(entry, resource)) {
            return;
        }
        if (configOption != null) {
            metaInfArgs.add("-H:" + configOption + "@" + uri + "=" + resource);
            return;
        }
        Properties p = new Properties();
        try (InputStream in = opener.open()) {
            p.load(in);
        }
        // ${.} is the resource folder of this file (so that -H:*Resources=${.}/x.json finds x.json)
        String self = Files.isDirectory(entry) ? entry.resolve(dir).toString() : dir;
        String javaArgs = p.getProperty("JavaArgs");
        if (javaArgs != null) {
            jvmArgs.addAll(tokenize(javaArgs.replace("${.}", self)));
        }
        String imageNameProperty = p.getProperty("ImageName");
        if (imageNameProperty != null && imageName == null) {
            imageName = imageNameProperty;
        }
        String args = p.getProperty("Args");
        if (args != null) {
            List<String> tokens = tokenize(args.replace("${.}", self));
            for (int i = 0; i < tokens.size(); i++) {
                String a = tokens.get(i);
                if (a.startsWith("--") && SPACE_SEPARATED.contains(a.substring(2)) && i + 1 < tokens.size()) {
                    metaInfArgs.add(apiOption(a.substring(2), tokens.get(++i), uri + "+api"));
                } else {
                    option(a, metaInfArgs, uri, dir);
                }
            }
        }
    }

    /** Splits on white space; single or double quotes group, backslash escapes. */
    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inToken = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inToken = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
                inToken = true;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
            } else {
                cur.append(c);
                inToken = true;
            }
        }
        if (inToken) {
            out.add(cur.toString());
        }
        return out;
    }

    List<String> builderCommand() {
        Path svm = home.resolve("lib/svm");
        List<String> modulePath = new ArrayList<>();
        try (Stream<Path> jars = Files.list(svm.resolve("builder"))) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> modulePath.add(p.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String j : List.of("jvmci/word.jar", "jvmci/collections.jar", "jvmci/nativeimage.jar", "jvmci/nativeimage-libgraal.jar",
                        "truffle/truffle-compiler.jar")) {
            modulePath.add(home.resolve("lib").resolve(j).toString());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/java").toString());
        cmd.addAll(List.of("-XX:+UseParallelGC", "-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI", "-XX:-UseJVMCICompiler",
                        "-Xss10m", "-Xshare:off", "-Djava.awt.headless=true", "-Dsubstratevm.HostLibC=glibc",
                        "-Dtruffle.TrustAllTruffleRuntimeProviders=true", "-Dgraalvm.ForcePolyglotInvalid=true", "-Dgraalvm.locatorDisabled=true",
                        "-Dorg.graalvm.vendor=Latchkey toolchain", "-Dorg.graalvm.vendorurl=none",
                        "-Dorg.graalvm.vendorversion=" + VENDOR_VERSION, "-Dorg.graalvm.version=" + GRAAL_VERSION,
                        "-Dcom.oracle.graalvm.isaot=true", "-Dorg.graalvm.nativeimage.imagecode=buildtime",
                        "-Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader",
                        "-Djdk.reflect.useOldSerializableConstructor=true", "-Djdk.internal.lambda.disableEagerInitialization=true",
                        "-Djdk.internal.lambda.eagerlyInitialize=false", "-Djava.lang.invoke.InnerClassLambdaMetafactory.initializeLambdas=false",
                        "-Djava.lang.invoke.MethodHandle.DONT_INLINE_THRESHOLD=-1", "-Djava.lang.invoke.MethodHandle.PROFILE_GWT=false"));
        if (jvmArgs.stream().noneMatch(a -> a.startsWith("-Xmx"))) {
            String xmx = System.getenv().getOrDefault("LATCHKEY_NATIVE_XMX", "6g");
            cmd.add("-Xmx" + xmx);
        }
        cmd.addAll(jvmArgs);
        cmd.add("@" + svm.resolve("bin/builder-exports.args"));
        // the builder's modules call native code; without this the image dies at start with
        // "platform encoding not initialized"
        Set<String> modules = new LinkedHashSet<>(List.of("org.graalvm.nativeimage.builder", "org.graalvm.nativeimage.pointsto",
                        "org.graalvm.nativeimage.base", "org.graalvm.nativeimage.objectfile", "org.graalvm.nativeimage.configure",
                        "org.graalvm.nativeimage", "org.graalvm.word", "org.graalvm.collections", "org.graalvm.nativeimage.libgraal",
                        "org.graalvm.truffle.compiler", "jdk.graal.compiler", "ALL-UNNAMED"));
        cmd.add("--enable-native-access=" + String.join(",", modules));
        // every JDK module an application on the class path sees on a JVM (java.se and the jdk.* APIs),
        // not only those the builder's own modules require: without it java.net.http (the webhook
        // deliverer's HttpClient) is missing from the builder's module layer and the image fails to link
        cmd.add("--add-modules=ALL-DEFAULT");
        cmd.addAll(List.of("--upgrade-module-path", home.resolve("lib/jvmci/graal.jar").toString(),
                        "--module-path", String.join(":", modulePath),
                        "-m", "org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner"));
        cmd.addAll(List.of("-imagecp", String.join(":", classPath)));
        cmd.add("-H:CLibraryPath=" + svm.resolve("clibraries/linux-amd64/glibc"));
        cmd.add("-H:ImageBuildID=" + UUID.randomUUID());
        cmd.add("-H:Path=" + imagePath);
        cmd.add("-H:Name=" + imageName);
        if (mainClass != null) {
            cmd.add("-H:Class=" + mainClass);
        }
        cmd.addAll(metaInfArgs);
        cmd.addAll(builderArgs);
        return cmd;
    }
}

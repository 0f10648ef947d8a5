import jdk.vm.ci.amd64.AMD64;
import jdk.vm.ci.runtime.JVMCI;

/**
 * Prints the CPU features HotSpot detected on this host, by JVMCI's names (AMD64.CPUFeature).
 * check.sh uses it as a second witness for a feature our cpuid code detects but the running
 * kernel does not list in /proc/cpuinfo (a kernel older than the feature, e.g. avx10).
 */
public class HostFeatures {
    public static void main(String[] args) {
        AMD64 arch = (AMD64) JVMCI.getRuntime().getHostJVMCIBackend().getTarget().arch;
        for (AMD64.CPUFeature feature : arch.getFeatures()) {
            System.out.println(feature.name());
        }
    }
}

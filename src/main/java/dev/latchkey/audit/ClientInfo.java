package dev.latchkey.audit;

/** Where a request came from, as recorded on a session: client address and user agent (both bounded). */
public record ClientInfo(String ip, String userAgent) {

    public static final int MAX_USER_AGENT = 256;
    public static final int MAX_IP = 64;

    public ClientInfo {
        ip = clip(ip, MAX_IP);
        userAgent = clip(userAgent, MAX_USER_AGENT);
    }

    private static String clip(String value, int max) {
        if (value == null) {
            return null;
        }
        String printable = value.replaceAll("\\p{Cntrl}", "");
        return printable.length() > max ? printable.substring(0, max) : printable;
    }
}

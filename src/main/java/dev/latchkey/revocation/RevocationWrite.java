package dev.latchkey.revocation;

import java.util.List;

/**
 * What one revocation changes in the cache, for one owner: sessions denied, single access tokens
 * denied, and the owner's new token version (which refuses every access token carrying an older
 * one). It is written inside the revocation's database transaction, after its rows are locked and
 * before its commit.
 *
 * @param version the new token version, or null if it did not change
 */
public record RevocationWrite(Owner owner, List<String> sids, List<String> jtis, Long version) {

    public RevocationWrite {
        sids = List.copyOf(sids);
        jtis = List.copyOf(jtis);
    }

    public static RevocationWrite sessions(Owner owner, List<String> sids) {
        return new RevocationWrite(owner, sids, List.of(), null);
    }

    public static RevocationWrite token(Owner owner, String jti) {
        return new RevocationWrite(owner, List.of(), List.of(jti), null);
    }

    public static RevocationWrite version(Owner owner, long version) {
        return new RevocationWrite(owner, List.of(), List.of(), version);
    }

    /** This write and {@code other}, for the same owner, as one. */
    public RevocationWrite and(RevocationWrite other) {
        if (!owner.equals(other.owner)) {
            throw new IllegalArgumentException("one revocation write concerns one owner");
        }
        List<String> allSids = new java.util.ArrayList<>(sids);
        allSids.addAll(other.sids);
        List<String> allJtis = new java.util.ArrayList<>(jtis);
        allJtis.addAll(other.jtis);
        Long newest = version == null ? other.version
                : other.version == null ? version : Long.valueOf(Math.max(version, other.version));
        return new RevocationWrite(owner, allSids, allJtis, newest);
    }

    public boolean isEmpty() {
        return sids.isEmpty() && jtis.isEmpty() && version == null;
    }
}

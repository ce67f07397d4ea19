package io.postbridge.core.accounts;

import java.util.List;

/** IP ranges mapped to accounts. A range belongs to at most one account. */
public interface TrustedNetworkRepository {
    /** @return false when the range is already mapped (to this or another account) */
    boolean add(TrustedNetwork network);

    boolean remove(long accountId, IpRange range);

    List<TrustedNetwork> list();

    List<TrustedNetwork> listByAccount(long accountId);
}

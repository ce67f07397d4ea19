package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import io.postbridge.core.accounts.IpRange;
import io.postbridge.core.accounts.TrustedNetwork;
import io.postbridge.core.accounts.TrustedNetworkRepository;

public final class JdbcTrustedNetworkRepository implements TrustedNetworkRepository {
    private final Jdbc jdbc;

    public JdbcTrustedNetworkRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean add(TrustedNetwork network) {
        return jdbc.insertIfAbsent("INSERT INTO pb_trusted_network (cidr, account_id) VALUES (?, ?)",
            network.range().asString(), network.accountId());
    }

    @Override
    public boolean remove(long accountId, IpRange range) {
        return jdbc.update("DELETE FROM pb_trusted_network WHERE account_id = ? AND cidr = ?", accountId, range.asString()) == 1;
    }

    @Override
    public List<TrustedNetwork> list() {
        return jdbc.query("SELECT cidr, account_id FROM pb_trusted_network ORDER BY cidr", JdbcTrustedNetworkRepository::network);
    }

    @Override
    public List<TrustedNetwork> listByAccount(long accountId) {
        return jdbc.query("SELECT cidr, account_id FROM pb_trusted_network WHERE account_id = ? ORDER BY cidr",
            JdbcTrustedNetworkRepository::network, accountId);
    }

    private static TrustedNetwork network(ResultSet row) throws SQLException {
        return new TrustedNetwork(IpRange.parse(row.getString("cidr")), row.getLong("account_id"));
    }
}

package io.postbridge.core.store;

import java.util.List;

import io.postbridge.core.accounts.AllowedSenderRepository;
import io.postbridge.core.accounts.SenderPattern;

public final class JdbcAllowedSenderRepository implements AllowedSenderRepository {
    private final Jdbc jdbc;

    public JdbcAllowedSenderRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean add(long accountId, SenderPattern pattern) {
        return jdbc.insertIfAbsent("INSERT INTO pb_allowed_sender (account_id, pattern) VALUES (?, ?)", accountId, pattern.asString());
    }

    @Override
    public boolean remove(long accountId, SenderPattern pattern) {
        return jdbc.update("DELETE FROM pb_allowed_sender WHERE account_id = ? AND pattern = ?", accountId, pattern.asString()) == 1;
    }

    @Override
    public List<SenderPattern> list(long accountId) {
        return jdbc.query("SELECT pattern FROM pb_allowed_sender WHERE account_id = ? ORDER BY pattern",
            row -> SenderPattern.parse(row.getString("pattern")), accountId);
    }
}

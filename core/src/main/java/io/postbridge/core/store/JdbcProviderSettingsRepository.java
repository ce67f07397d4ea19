package io.postbridge.core.store;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.accounts.ProviderSettings;
import io.postbridge.core.accounts.ProviderSettingsRepository;
import io.postbridge.core.accounts.ReconsentFlag;

public final class JdbcProviderSettingsRepository implements ProviderSettingsRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() { };
    /** The column's size (V4). */
    private static final int MAX_REASON = 1000;

    private final Jdbc jdbc;
    private final Clock clock;

    public JdbcProviderSettingsRepository(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void put(long accountId, ProviderSettings settings) {
        String json;
        try {
            json = JSON.writeValueAsString(settings.settings());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("provider settings cannot be written as JSON", e);
        }
        long now = clock.millis();
        jdbc.inTransaction(tx -> {
            int updated = tx.update("UPDATE pb_provider_settings SET provider = ?, settings_json = ?, updated_at = ?,"
                    + " reconsent_reason = NULL, reconsent_since = NULL WHERE account_id = ?",
                settings.provider().wireName(), json, now, accountId);
            if (updated == 0) {
                tx.update("INSERT INTO pb_provider_settings (account_id, provider, settings_json, updated_at) VALUES (?, ?, ?, ?)",
                    accountId, settings.provider().wireName(), json, now);
            }
            return null;
        });
    }

    @Override
    public Optional<ProviderSettings> get(long accountId) {
        return jdbc.queryOne("SELECT provider, settings_json FROM pb_provider_settings WHERE account_id = ?", row -> {
            Map<String, String> settings;
            try {
                settings = JSON.readValue(row.getString("settings_json"), STRING_MAP);
            } catch (JsonProcessingException e) {
                throw new StoreException("stored provider settings of account " + accountId + " are not valid JSON", e);
            }
            return new ProviderSettings(ProviderSettings.Provider.fromWireName(row.getString("provider")), settings);
        }, accountId);
    }

    @Override
    public boolean delete(long accountId) {
        return jdbc.update("DELETE FROM pb_provider_settings WHERE account_id = ?", accountId) == 1;
    }

    @Override
    public boolean flagReconsent(long accountId, String reason) {
        String shortened = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON - 3) + "..." : reason;
        return jdbc.update("UPDATE pb_provider_settings SET reconsent_reason = ?, reconsent_since = COALESCE(reconsent_since, ?)"
            + " WHERE account_id = ?", shortened, clock.millis(), accountId) == 1;
    }

    @Override
    public Map<Long, ReconsentFlag> reconsentFlags() {
        Map<Long, ReconsentFlag> flags = new LinkedHashMap<>();
        jdbc.query("SELECT account_id, reconsent_reason, reconsent_since FROM pb_provider_settings WHERE reconsent_reason IS NOT NULL"
            + " ORDER BY account_id", row -> flags.put(row.getLong("account_id"),
                new ReconsentFlag(row.getString("reconsent_reason"), Instant.ofEpochMilli(row.getLong("reconsent_since")))));
        return flags;
    }

    @Override
    public Optional<ReconsentFlag> reconsentFlag(long accountId) {
        return jdbc.queryOne("SELECT reconsent_reason, reconsent_since FROM pb_provider_settings WHERE account_id = ?",
            row -> row.getString("reconsent_reason") == null ? Optional.<ReconsentFlag>empty()
                : Optional.of(new ReconsentFlag(row.getString("reconsent_reason"), Instant.ofEpochMilli(row.getLong("reconsent_since")))),
            accountId).flatMap(flag -> flag);
    }
}

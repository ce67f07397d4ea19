package io.postbridge.core.config;

/**
 * Formats a configuration error the way an operator needs it: one line naming the file and the setting.
 * The server start-up prints messages of this shape as they are, without a stack trace.
 */
public final class SettingProblem {
    /** Every message built here starts with one of the file names below, followed by this mark. */
    public static final String MARK = ": setting ";

    private SettingProblem() {
    }

    public static String describe(String file, String setting, String problem) {
        return file + MARK + setting + ": " + problem;
    }

    /** The exception of a bad setting; its message is {@link #describe}'s one line. */
    public static Invalid invalid(String file, String setting, String problem) {
        return new Invalid(file, setting, setting, problem);
    }

    /** @param key the parameter as written in the file, when {@code setting} decorates it ({@code mailet X <key>}) */
    public static Invalid invalid(String file, String key, String setting, String problem) {
        return new Invalid(file, key, setting, problem);
    }

    /** A bad setting: thrown by {@link SettingsReader}; adapters rethrow its message in their own exception type. */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String key;
        private final String setting;
        private final String problem;

        private Invalid(String file, String key, String setting, String problem) {
            super(describe(file, setting, problem));
            this.key = key;
            this.setting = setting;
            this.problem = problem;
        }

        /** The setting as the message names it ({@code events.retention}, {@code mailet ApiDelivery <queue>}). */
        public String setting() {
            return setting;
        }

        /** The key or parameter name as written in the file ({@code events.retention}, {@code queue}). */
        public String key() {
            return key;
        }

        /** What is wrong, without the file and setting. */
        public String problem() {
            return problem;
        }
    }
}

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
}

package io.postbridge.auth.webadmin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.apache.james.webadmin.utils.ErrorResponder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.config.Durations;
import spark.HaltException;
import spark.Request;

/**
 * The one reader of WebAdmin requests: a JSON body field by field, and path and query parameters. Every problem is a
 * 400 whose JSON message names the field: an unknown field, a value of the wrong type (a string where a number is
 * expected is refused, never read as the default), a value out of range. Absent and {@code null} fields read as
 * empty, so the caller's default applies. Exceptions a route lets escape are mapped by {@link WebAdminRoutes}.
 */
public final class JsonBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /** Parses an object body; an empty body is an empty object. */
    public static JsonBody parse(Request request, Set<String> allowedFields) {
        String body = request.body();
        if ((body == null || body.isBlank()) && request.contentLength() > 0) {
            // Jetty consumed it as a form (curl -d without -H): say so instead of ignoring what was sent
            throw badRequest("the request body could not be read: send it as JSON with the header 'Content-Type: application/json'"
                + " (it was sent as " + request.contentType() + ")");
        }
        return parse(body, allowedFields);
    }

    public static JsonBody parse(String body, Set<String> allowedFields) {
        if (body == null || body.isBlank()) {
            return new JsonBody(JSON.createObjectNode());
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw badRequest("the request body must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw badRequest("unknown field '" + name + "'; allowed fields: " + new TreeSet<>(allowedFields));
            }
        }
        return new JsonBody(root);
    }

    public boolean has(String field) {
        return root.has(field);
    }

    public boolean isNull(String field) {
        return root.has(field) && root.get(field).isNull();
    }

    /** {@code true} or {@code false}, or empty when absent or null. */
    public Optional<Boolean> bool(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw badRequest("'" + field + "' must be true or false");
        }
        return Optional.of(node.booleanValue());
    }

    public boolean bool(String field, boolean defaultValue) {
        return bool(field).orElse(defaultValue);
    }

    /** A string, or empty when absent or null. */
    public Optional<String> string(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw badRequest("'" + field + "' must be a string");
        }
        return Optional.of(node.textValue());
    }

    /** A string that is neither absent, null nor blank. */
    public String requiredString(String field) {
        return string(field).filter(value -> !value.isBlank()).orElseThrow(() -> badRequest("'" + field + "' is required"));
    }

    /** A whole number from min to max, or empty when absent or null. */
    public Optional<Integer> integer(String field, int min, int max) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw badRequest("'" + field + "' must be a whole number from " + min + " to " + max + " (or null for the default)");
        }
        return Optional.of(node.intValue());
    }

    /** A duration written as in the configuration ({@code "30s"}, {@code "48h"}, {@code "2 days"}, {@code "PT48H"}). */
    public Optional<Duration> duration(String field) {
        return parsed(field, Durations::parse);
    }

    /**
     * One of a fixed set of words, or empty when absent or null.
     *
     * @param lookup the word's value ({@code DisabledMode::fromWireName})
     * @param allowed the words, for the error message
     */
    public <T> Optional<T> choice(String field, Function<String, Optional<T>> lookup, String allowed) {
        return string(field).map(value -> lookup.apply(value)
            .orElseThrow(() -> badRequest("'" + field + "' must be one of " + allowed + ", was '" + value + "'")));
    }

    /** A string read by a parser that throws IllegalArgumentException with the reason; empty when absent or null. */
    public <T> Optional<T> parsed(String field, Function<String, T> parser) {
        return string(field).map(value -> parse(field, value, parser));
    }

    /** An array of strings; empty when absent or null. */
    public List<String> stringList(String field) {
        JsonNode node = present(field);
        List<String> values = new ArrayList<>();
        if (node == null) {
            return values;
        }
        if (!node.isArray()) {
            throw badRequest("'" + field + "' must be an array of strings");
        }
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw badRequest("'" + field + "' must be an array of strings");
            }
            values.add(element.textValue());
        }
        return values;
    }

    /** An array of objects, each with only {@code allowedFields}; empty when absent or null. */
    public List<JsonBody> objectList(String field, Set<String> allowedFields) {
        JsonNode node = present(field);
        List<JsonBody> values = new ArrayList<>();
        if (node == null) {
            return values;
        }
        if (!node.isArray()) {
            throw badRequest("'" + field + "' must be an array of objects");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (!element.isObject()) {
                throw badRequest("'" + field + "[" + i + "]' must be an object");
            }
            for (Iterator<String> names = element.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!allowedFields.contains(name)) {
                    throw badRequest("unknown field '" + field + "[" + i + "]." + name + "'; allowed fields: " + new TreeSet<>(allowedFields));
                }
            }
            values.add(new JsonBody(element));
        }
        return values;
    }

    /** An object of string values (null values kept as null). */
    public Map<String, String> stringMap(String field, boolean allowNullValues) {
        JsonNode node = present(field);
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null) {
            return values;
        }
        if (!node.isObject()) {
            throw badRequest("'" + field + "' must be a JSON object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (entry.getValue().isNull() && allowNullValues) {
                values.put(entry.getKey(), null);
            } else if (entry.getValue().isTextual()) {
                values.put(entry.getKey(), entry.getValue().textValue());
            } else {
                throw badRequest("'" + field + "." + entry.getKey() + "' must be a string" + (allowNullValues ? " (or null to remove it)" : ""));
            }
        }
        return values;
    }

    private JsonNode present(String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node;
    }

    // ---- path and query parameters ----

    /** A path parameter ({@code :domain}) read by a parser; its IllegalArgumentException becomes a 400 naming it. */
    public static <T> T pathParam(Request request, String name, Function<String, T> parser) {
        return parse(name, request.params(name), parser);
    }

    /** A whole number query parameter from min to max; the default when absent. */
    public static int queryInteger(Request request, String name, int defaultValue, int min, int max) {
        String raw = request.queryParams(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badRequest("'" + name + "' must be a whole number from " + min + " to " + max + ", was '" + raw + "'");
    }

    /** A query parameter that is one of a fixed set of words; empty when absent. */
    public static <T> Optional<T> queryChoice(Request request, String name, Function<String, Optional<T>> lookup, String allowed) {
        String raw = request.queryParams(name);
        if (raw == null) {
            return Optional.empty();
        }
        return Optional.of(lookup.apply(raw).orElseThrow(() -> badRequest("'" + name + "' must be one of " + allowed + ", was '" + raw + "'")));
    }

    /** A query parameter, empty when absent or blank. */
    public static Optional<String> queryString(Request request, String name) {
        return Optional.ofNullable(request.queryParams(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    private static <T> T parse(String field, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (HaltException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw badRequest("'" + field.replaceFirst("^:", "") + "': " + e.getMessage());
        }
    }

    // ---- errors: the JSON error document of James's WebAdmin ----

    public static HaltException badRequest(String message) {
        return ErrorResponder.builder().statusCode(400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT).message(message).haltError();
    }

    public static HaltException notFound(String message) {
        return ErrorResponder.builder().statusCode(404).type(ErrorResponder.ErrorType.NOT_FOUND).message(message).haltError();
    }

    public static HaltException conflict(String message) {
        return ErrorResponder.builder().statusCode(409).type(ErrorResponder.ErrorType.WRONG_STATE).message(message).haltError();
    }

    public static HaltException serverError(String message, Exception cause) {
        return ErrorResponder.builder().statusCode(500).type(ErrorResponder.ErrorType.SERVER_ERROR).message(message).cause(cause)
            .haltError();
    }
}

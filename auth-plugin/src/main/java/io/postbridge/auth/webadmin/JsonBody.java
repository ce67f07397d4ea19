package io.postbridge.auth.webadmin;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.james.webadmin.utils.ErrorResponder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import spark.HaltException;
import spark.Request;

/** Reads a JSON request body field by field, answering 400 with a message that names the field. */
final class JsonBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /** Parses an object body; an empty body is an empty object. */
    static JsonBody parse(Request request, Set<String> allowedFields) {
        String body = request.body();
        if ((body == null || body.isBlank()) && request.contentLength() > 0) {
            // Jetty consumed it as a form (curl -d without -H): say so instead of ignoring what was sent
            throw badRequest("the request body could not be read: send it as JSON with the header 'Content-Type: application/json'"
                + " (it was sent as " + request.contentType() + ")");
        }
        return parse(body, allowedFields);
    }

    static JsonBody parse(String body, Set<String> allowedFields) {
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
                throw badRequest("unknown field '" + name + "'; allowed fields: " + allowedFields);
            }
        }
        return new JsonBody(root);
    }

    boolean has(String field) {
        return root.has(field);
    }

    boolean isNull(String field) {
        return root.has(field) && root.get(field).isNull();
    }

    Optional<Boolean> bool(String field) {
        JsonNode node = root.get(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw badRequest("'" + field + "' must be true or false");
        }
        return Optional.of(node.booleanValue());
    }

    /** A string, or empty when absent or null. */
    Optional<String> string(String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw badRequest("'" + field + "' must be a string");
        }
        return Optional.of(node.textValue());
    }

    /** A whole number from min to max, or empty when absent or null. */
    Optional<Integer> integer(String field, int min, int max) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw badRequest("'" + field + "' must be a whole number from " + min + " to " + max + " (or null for the default)");
        }
        return Optional.of(node.intValue());
    }

    /** An object of string values (null values kept as null). */
    Map<String, String> stringMap(String field, boolean allowNullValues) {
        JsonNode node = root.get(field);
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
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

    static HaltException badRequest(String message) {
        return ErrorResponder.builder().statusCode(400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT).message(message).haltError();
    }

    static HaltException notFound(String message) {
        return ErrorResponder.builder().statusCode(404).type(ErrorResponder.ErrorType.NOT_FOUND).message(message).haltError();
    }

    static HaltException conflict(String message) {
        return ErrorResponder.builder().statusCode(409).type(ErrorResponder.ErrorType.WRONG_STATE).message(message).haltError();
    }
}

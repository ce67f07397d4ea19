package io.postbridge.it;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads Postbridge's event list (GET /postbridge/events) the way an operator would. */
public final class Events {
    private Events() {
    }

    /** Event types recorded for one Message-ID, oldest first. */
    public static List<String> typesFor(WebAdmin webAdmin, String messageId) throws Exception {
        JsonNode events = webAdmin.getJson("/postbridge/events?limit=10000");
        List<String> types = new ArrayList<>();
        for (JsonNode event : events) {
            if (("<" + messageId + ">").equals(event.path("messageId").asText())) {
                types.add(0, event.path("type").asText());
            }
        }
        return types;
    }

    public static List<JsonNode> eventsFor(WebAdmin webAdmin, String messageId) throws Exception {
        JsonNode events = webAdmin.getJson("/postbridge/events?limit=10000");
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode event : events) {
            if (("<" + messageId + ">").equals(event.path("messageId").asText())) {
                matching.add(0, event);
            }
        }
        return matching;
    }
}

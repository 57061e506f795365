package io.trailboss.model;

import java.util.List;
import java.util.Map;

/**
 * What work runs against: a machine, platform, site, server or any other kind. {@code params}
 * holds the stored form: a secret param's value is an encrypted envelope (see {@code target.SecretBox}).
 */
public record Target(String id, String kind, String name, String parentId, Map<String, String> labels,
                     Map<String, Object> params, List<String> profiles, String stage, long createdAt, long updatedAt) {
}

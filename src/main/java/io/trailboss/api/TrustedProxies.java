package io.trailboss.api;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * {@code Forwarded} and {@code X-Forwarded-*} headers (client address, scheme, host) taken only from
 * the proxies listed: from anyone else they are ignored, as anybody can send them. The scheme a
 * trusted proxy reports decides whether the request counts as secure (HSTS, {@code Secure} cookies);
 * its client address is the one rate limits and the audit log see.
 */
final class TrustedProxies implements HttpConfiguration.Customizer {
    private final List<Cidr> proxies;
    private final ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();

    TrustedProxies(List<Cidr> proxies) {
        this.proxies = List.copyOf(proxies);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
            for (Cidr c : proxies) if (c.contains(a.getAddress())) return forwarded.customize(request, responseHeaders);
        }
        return request;
    }
}

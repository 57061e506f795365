package io.trailboss.api;

import io.trailboss.tls.CertificateFiles;
import java.security.SecureRandom;
import java.util.Base64;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listener: HTTP/2 for clients that offer it through ALPN (browsers, the JDK's client),
 * HTTP/1.1 for the others (agents, curl, Python). The certificate comes from {@link CertificateFiles}
 * and is swapped in place when the files change: connections made after that see the new one.
 */
final class HttpsConnector {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsConnector.class);

    private HttpsConnector() {}

    static ServerConnector create(Server server, HttpConfiguration base, String host, int port, CertificateFiles certificate) {
        // the key store lives in memory only: its password just has to be the same on both sides
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(certificate.current().keyStore(password.toCharArray()));
        tls.setKeyStorePassword(password);
        tls.setKeyManagerPassword(password);
        tls.setCipherComparator(HTTP2Cipher.COMPARATOR);
        // clients that reach the server by address send no name: serve them the one certificate anyway
        tls.setSniRequired(false);
        certificate.onChange(loaded -> {
            try {
                tls.reload(f -> f.setKeyStore(loaded.keyStore(password.toCharArray())));
            } catch (Exception e) {
                LOG.error("the renewed certificate could not be put to use; the previous one is still served", e);
            }
        });

        HttpConfiguration https = new HttpConfiguration(base);
        SecureRequestCustomizer secure = new SecureRequestCustomizer(false);
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        HttpConnectionFactory http1 = new HttpConnectionFactory(https);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        SslConnectionFactory ssl = new SslConnectionFactory(tls, alpn.getProtocol());
        ServerConnector connector = new ServerConnector(server, ssl, alpn, http2, http1);
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}

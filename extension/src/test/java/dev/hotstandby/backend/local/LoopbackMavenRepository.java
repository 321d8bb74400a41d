package dev.hotstandby.backend.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A Maven repository in the default layout, served on loopback by the test that starts it: zonky's
 * binaries jars (taken from the machine's local repository), their checksums, and metadata listing
 * versions. It records every request, and asks for Basic credentials when given some.
 */
final class LoopbackMavenRepository implements AutoCloseable {
    static final String ARTIFACT_DIR = ZonkyBinaries.GROUP_ID.replace('.', '/') + "/" + ZonkyBinaries.artifactId() + "/";

    /** One request as the server saw it. */
    record Request(String method, String path, String authorization, int status) {
    }

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String expectedAuthorization;

    private LoopbackMavenRepository(HttpServer server) {
        this.server = server;
    }

    static LoopbackMavenRepository start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            LoopbackMavenRepository repository = new LoopbackMavenRepository(server);
            server.createContext("/", repository::handle);
            server.start();
            return repository;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/maven2/";
    }

    /** Answers 401 to any request without these credentials. */
    LoopbackMavenRepository requireBasicAuth(String user, String password) {
        expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Serves this jar as {@code version}, with its SHA-1 and MD5 files. */
    LoopbackMavenRepository withJar(String version, Path jar) {
        try {
            byte[] bytes = Files.readAllBytes(jar);
            String name = ARTIFACT_DIR + version + "/" + ZonkyBinaries.artifactId() + "-" + version + ".jar";
            withFile(name, bytes);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces a file's SHA-1 with one that does not match, as a corrupted download or mirror would. */
    LoopbackMavenRepository withWrongChecksums(String version) {
        String name = ARTIFACT_DIR + version + "/" + ZonkyBinaries.artifactId() + "-" + version + ".jar";
        files.put(name + ".sha1", digest("SHA-1", "not the jar".getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        files.put(name + ".md5", digest("MD5", "not the jar".getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** {@code maven-metadata.xml} of the artifact listing these versions (oldest first), with checksums. */
    LoopbackMavenRepository withVersions(String... versions) {
        String list = java.util.Arrays.stream(versions).map(version -> "      <version>" + version + "</version>")
                .collect(Collectors.joining("\n"));
        String metadata = """
                <?xml version="1.0" encoding="UTF-8"?>
                <metadata>
                  <groupId>%s</groupId>
                  <artifactId>%s</artifactId>
                  <versioning>
                    <latest>%s</latest>
                    <versions>
                %s
                    </versions>
                    <lastUpdated>20261201000000</lastUpdated>
                  </versioning>
                </metadata>
                """.formatted(ZonkyBinaries.GROUP_ID, ZonkyBinaries.artifactId(), versions[versions.length - 1], list);
        withFile(ARTIFACT_DIR + "maven-metadata.xml", metadata.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    private void withFile(String name, byte[] bytes) {
        files.put(name, bytes);
        files.put(name + ".sha1", digest("SHA-1", bytes).getBytes(StandardCharsets.UTF_8));
        files.put(name + ".md5", digest("MD5", bytes).getBytes(StandardCharsets.UTF_8));
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Requests that downloaded a jar (checksums and metadata left out). */
    List<String> jarDownloads() {
        return requests.stream().filter(request -> request.method().equals("GET") && request.status() == 200
                && request.path().endsWith(".jar")).map(Request::path).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        int status;
        byte[] body = null;
        if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
            status = 401;
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"loopback\"");
        } else {
            body = path.startsWith("/maven2/") ? files.get(path.substring("/maven2/".length())) : null;
            status = body == null ? 404 : 200;
        }
        requests.add(new Request(exchange.getRequestMethod(), path, authorization, status));
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (status == 200) {
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                exchange.getResponseBody().write(body);
            }
        } else {
            exchange.sendResponseHeaders(status, -1);
        }
        exchange.close();
    }

    static String digest(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The machine's copy of a binaries jar, which the test serves; the test is skipped where it is missing. */
    static Path jarInMachineRepository(String version) {
        String local = System.getProperty("maven.repo.local", "").isBlank()
                ? System.getProperty("user.home") + "/.m2/repository" : System.getProperty("maven.repo.local");
        return Path.of(local, ARTIFACT_DIR, version, ZonkyBinaries.artifactId() + "-" + version + ".jar");
    }

    /** A settings.xml whose mirror {@code *} is this server, with these credentials (or none) and offline flag. */
    String settings(String user, String password, boolean offline) {
        String server = user == null ? "" : """
                  <servers>
                    <server>
                      <id>loopback-mirror</id>
                      <username>%s</username>
                      <password>%s</password>
                    </server>
                  </servers>
                """.formatted(user, password);
        return """
                <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
                  <offline>%s</offline>
                %s  <mirrors>
                    <mirror>
                      <id>loopback-mirror</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(offline, server, url());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

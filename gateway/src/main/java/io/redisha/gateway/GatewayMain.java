package io.redisha.gateway;

import io.redisha.config.ConfigException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code gateway [/path/gateway.conf] [--directive value ...]}: runs until killed. */
public final class GatewayMain {

  private GatewayMain() {}

  public static int run(String[] args) throws InterruptedException {
    GatewayConfig config;
    try {
      config = GatewayConfig.fromArgs(args);
    } catch (ConfigException | IOException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    Gateway gw = new Gateway(config);
    try {
      gw.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("Failed to start the gateway: " + cause.getMessage());
      return 1;
    }
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gw.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }, "gateway-shutdown"));
    forever.await();
    return 0;
  }
}

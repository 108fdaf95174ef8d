package io.redisha;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the README describes: RESP, the command table, config and util know
 * nothing of the components; the components (node, sentinel, gateway) never import each
 * other; only the launcher wires them together. io.redisha.metrics (registry, Vert.x
 * meters, the /metrics /health /ready endpoint) is shared infrastructure: every component
 * may use it, and it knows none of them.
 */
class ArchitectureTest {

  static final List<String> COMPONENTS = List.of("io.redisha.node..", "io.redisha.sentinel..", "io.redisha.gateway..");
  static final String METRICS = "io.redisha.metrics..";
  static final List<String> SHARED = List.of("io.redisha.resp..", "io.redisha.command..", "io.redisha.config..",
      "io.redisha.util..");

  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.redisha");
  }

  @Test
  void componentsNeverDependOnEachOther() {
    for (String from : COMPONENTS) {
      String[] others = COMPONENTS.stream().filter(p -> !p.equals(from)).toArray(String[]::new);
      noClasses().that().resideInAPackage(from)
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .because("components share only the RESP, command, config and util layers")
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  @Test
  void metricsInfrastructureKnowsNoComponent() {
    noClasses().that().resideInAPackage(METRICS)
        .should().dependOnClassesThat().resideInAnyPackage(COMPONENTS.toArray(String[]::new))
        .because("each component defines its own meters; the shared endpoint only serves them")
        .check(classes);
  }

  @Test
  void sharedLayersNeverDependOnComponents() {
    noClasses().that().resideInAnyPackage(SHARED.toArray(String[]::new))
        .should().dependOnClassesThat().resideInAnyPackage(COMPONENTS.toArray(String[]::new))
        .because("the shared layers sit below every component")
        .check(classes);
  }

  @Test
  void onlyTheLauncherDependsOnComponentsFromOutside() {
    List<String> allowed = new java.util.ArrayList<>(COMPONENTS);
    allowed.add("io.redisha.launcher..");
    for (String component : COMPONENTS) {
      noClasses().that().resideOutsideOfPackages(allowed.toArray(String[]::new))
          .should().dependOnClassesThat().resideInAPackage(component)
          .because("the launcher is the one place that wires components together")
          .allowEmptyShould(true)
          .check(classes);
    }
  }
}

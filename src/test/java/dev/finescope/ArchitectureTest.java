package dev.finescope;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the house: the compute core runs without a UI or DJL, only {@code ui} touches JavaFX,
 * the app reaches training only through {@code run}, and packages form no cycles.
 */
@AnalyzeClasses(packages = "dev.finescope", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String MAIN = "dev.finescope.Main";

    @ArchTest
    static final ArchRule coreUsesNeitherJavaFxNorDjl = noClasses()
            .that().resideInAnyPackage("dev.finescope.checkpoint..", "dev.finescope.analysis..",
                    "dev.finescope.plan..", "dev.finescope.run..", "dev.finescope.sweep..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "ai.djl..");

    @ArchTest
    static final ArchRule trainingAndWhatIfUseNoJavaFx = noClasses()
            .that().resideInAnyPackage("dev.finescope.train..", "dev.finescope.whatif..")
            .should().dependOnClassesThat().resideInAPackage("javafx..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule chartsArePlainJava2D = noClasses()
            .that().resideInAPackage("dev.finescope.chart..")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    @ArchTest
    static final ArchRule onlyUiUsesJavaFx = onlyPackageMayUseJavaFx("dev.finescope.ui..");

    @ArchTest
    static final ArchRule uiReachesTrainingOnlyThroughRun = noClasses()
            .that().resideInAPackage("dev.finescope.ui..")
            .should().dependOnClassesThat().resideInAPackage("dev.finescope.train..");

    @ArchTest
    static final ArchRule nothingButTheLauncherDependsOnUi = noClasses()
            .that().resideOutsideOfPackage("dev.finescope.ui..").and().doNotHaveFullyQualifiedName(MAIN)
            .should().dependOnClassesThat().resideInAPackage("dev.finescope.ui..");

    @ArchTest
    static final ArchRule coreHasNoPicturesAndNoFrontEnds = noClasses()
            .that().resideInAnyPackage("dev.finescope.common..", "dev.finescope.checkpoint..",
                    "dev.finescope.analysis..", "dev.finescope.plan..", "dev.finescope.run..", "dev.finescope.train..",
                    "dev.finescope.whatif..", "dev.finescope.sweep..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.jfree..", "dev.finescope.chart..",
                    "dev.finescope.ui..", "dev.finescope.cli..")
            .because("results are plain data: chart draws them, ui and cli show them");

    @ArchTest
    static final ArchRule theSharedBaseDependsOnNothingOfFineScope = noClasses()
            .that().resideInAPackage("dev.finescope.common..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.finescope.checkpoint..", "dev.finescope.analysis..",
                    "dev.finescope.plan..", "dev.finescope.run..", "dev.finescope.train..", "dev.finescope.whatif..",
                    "dev.finescope.chart..");

    @ArchTest
    static final ArchRule theWindowNeverReachesIntoTheCommandLine = noClasses()
            .that().resideInAPackage("dev.finescope.ui..")
            .should().dependOnClassesThat().resideInAPackage("dev.finescope.cli..");

    @ArchTest
    static final ArchRule commandsDoNotDependOnUi = noClasses()
            .that().resideInAPackage("dev.finescope.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.finescope.ui..");

    @ArchTest
    static final ArchRule packagesFormNoCycles = slices().matching("dev.finescope.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule subPackagesFormNoCyclesEither = slices().matching("dev.finescope.(**)").should()
            .beFreeOfCycles();

    @ArchTest
    static final ArchRule modelsOpenInOnePlace = noClasses()
            .that().resideOutsideOfPackage("dev.finescope.checkpoint..")
            .should().callMethod(ModelFolder.class, "open", Path.class)
            .orShould().callMethod(ModelFolder.class, "open", Path.class, NameMap.class)
            .because("checkpoint.overlay.Models is the one opener: a plain model or base ⊕ overlay");

    @ArchTest
    static final ArchRule onlyTheCommandLineWritesToStandardStreams = noClasses()
            .that().resideOutsideOfPackage("dev.finescope.cli..").and().doNotHaveFullyQualifiedName(MAIN)
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS);

    static ArchRule onlyPackageMayUseJavaFx(String allowed) {
        return noClasses().that().resideOutsideOfPackage(allowed)
                .should().dependOnClassesThat().resideInAPackage("javafx..");
    }

    @Test
    void theJavaFxRuleCatchesJavaFxOutsideItsPackage() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.finescope");
        assertTrue(onlyPackageMayUseJavaFx("dev.finescope.chart..").evaluate(classes).hasViolation(),
                "the window uses JavaFX outside chart, so the rule must object");
    }
}

package dev.serverlessrunner.crd.pool;

import dev.serverlessrunner.crd.CrdGroup;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A scalable set of runner pods that serve the {@code WasmFunction}s naming it; supports {@code
 * kubectl scale}.
 */
@Group(CrdGroup.GROUP)
@Version(CrdGroup.VERSION)
@ShortNames({"rpool"})
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".status.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Functions",
    jsonPath = ".status.functionsReady",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Auth",
    jsonPath = ".status.authMode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RunnerPool extends CustomResource<RunnerPoolSpec, RunnerPoolStatus>
    implements Namespaced {}

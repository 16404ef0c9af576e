package dev.serverlessrunner.crd.function;

import dev.serverlessrunner.crd.CrdGroup;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A WebAssembly module served over HTTP by the runners of one {@code RunnerPool}. */
@Group(CrdGroup.GROUP)
@Version(CrdGroup.VERSION)
@ShortNames({"wfn", "wasmfn"})
@AdditionalPrinterColumn(
    name = "Pool",
    jsonPath = ".spec.pool",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Digest",
    jsonPath = ".status.digest",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class WasmFunction extends CustomResource<WasmFunctionSpec, WasmFunctionStatus>
    implements Namespaced {}

/**
 * Custom resource model of Serverless Runner: {@code WasmFunction} and {@code RunnerPool} in group
 * {@code serverlessrunner.dev}, version {@code v1alpha1}. The CRD YAML under {@code deploy/crds/}
 * is generated from these classes; defaults, validation and {@code kubectl explain} text live in
 * their annotations.
 */
package dev.serverlessrunner.crd;

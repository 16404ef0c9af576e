package dev.serverlessrunner.operator.pool;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * KEDA's ScaledObject, untyped below its metadata. A class of its own, rather than a bare
 * GenericKubernetesResource, so the client knows its resource path from these annotations: asking
 * API discovery would fail while KEDA is not installed, even for the informer JOSDK only builds to
 * name it.
 */
@Group("keda.sh")
@Version("v1alpha1")
@Kind("ScaledObject")
@Plural("scaledobjects")
public class ScaledObject extends GenericKubernetesResource implements Namespaced {}

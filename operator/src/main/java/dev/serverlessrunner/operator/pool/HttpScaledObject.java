package dev.serverlessrunner.operator.pool;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** The HTTPScaledObject of KEDA's HTTP add-on, untyped below its metadata (see ScaledObject). */
@Group("http.keda.sh")
@Version("v1alpha1")
@Kind("HTTPScaledObject")
@Plural("httpscaledobjects")
public class HttpScaledObject extends GenericKubernetesResource implements Namespaced {}

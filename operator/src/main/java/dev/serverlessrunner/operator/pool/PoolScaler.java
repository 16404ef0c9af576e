package dev.serverlessrunner.operator.pool;

/** A dependent that renders one kind of autoscaler, for {@link ScalerChosen} and its kin. */
interface PoolScaler {
  /** The kind of autoscaler this dependent renders. */
  ScalingPlan.Scaler scaler();

  /** Where pools' plans come from. */
  Autoscalers autoscalers();
}

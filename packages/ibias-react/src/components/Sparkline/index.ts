export {
  Sparkline,
  describeSparkline,
  sparklineSegments,
  type SparklineProps,
} from './Sparkline';

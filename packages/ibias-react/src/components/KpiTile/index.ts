export {
  KpiTile,
  KpiTileSkeleton,
  type KpiStatus,
  type KpiTileProps,
} from './KpiTile';

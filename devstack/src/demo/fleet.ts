// The demo's leasing fleet: real makes and models, manufacturer VIN prefixes, list prices. Each car
// becomes a VehicleAsset (shared/src/ledger-data.ts) on its CREATE.
import { VEHICLE_SCHEMA_TAG, VehicleAsset } from '@lease-premium/events';
import { buildVin } from './vin';

interface FleetModel {
  make: string;
  model: string;
  /** WMI + vehicle descriptor section of this model line. */
  vinPrefix: string;
  plant: string;
  bodyType: VehicleAsset['bodyType'];
  ratingClass: VehicleAsset['ratingClass'];
  /** List price in whole currency units. */
  listPrice: number;
}

export const FLEET_MODELS: readonly FleetModel[] = [
  {
    make: 'Volkswagen',
    model: 'Golf',
    vinPrefix: 'WVWZZZAU',
    plant: 'W',
    bodyType: 'hatchback',
    ratingClass: 'standard',
    listPrice: 29_500,
  },
  {
    make: 'Toyota',
    model: 'RAV4 Hybrid',
    vinPrefix: '2T3RWRFV',
    plant: 'W',
    bodyType: 'suv',
    ratingClass: 'standard',
    listPrice: 34_800,
  },
  {
    make: 'Tesla',
    model: 'Model 3',
    vinPrefix: '5YJ3E1EA',
    plant: 'F',
    bodyType: 'sedan',
    ratingClass: 'standard',
    listPrice: 42_490,
  },
  {
    make: 'BMW',
    model: 'M3 Competition',
    vinPrefix: 'WBS43AY0',
    plant: 'F',
    bodyType: 'sedan',
    ratingClass: 'high-performance',
    listPrice: 84_100,
  },
  {
    make: 'Ford',
    model: 'F-150 XLT',
    vinPrefix: '1FTFW1E5',
    plant: 'F',
    bodyType: 'pickup',
    ratingClass: 'large',
    listPrice: 52_300,
  },
  {
    make: 'Volvo',
    model: 'XC60 B5',
    vinPrefix: 'YV4L12RK',
    plant: 'G',
    bodyType: 'suv',
    ratingClass: 'standard',
    listPrice: 49_150,
  },
  {
    make: 'Honda',
    model: 'Civic EX',
    vinPrefix: '2HGFE2F5',
    plant: 'H',
    bodyType: 'sedan',
    ratingClass: 'standard',
    listPrice: 27_200,
  },
  {
    make: 'Porsche',
    model: '911 Carrera S',
    vinPrefix: 'WP0AB2A9',
    plant: 'S',
    bodyType: 'coupe',
    ratingClass: 'high-performance',
    listPrice: 131_300,
  },
];

export interface FleetCar {
  /** Short handle used in the demo's steps and table ("golf", "rav4"...). */
  handle: string;
  asset: VehicleAsset;
}

/** One car per model (cycling when `count` exceeds the models), with distinct serials. */
export function buildFleet(
  count: number,
  options: { currency: string; modelYear: number; serialBase?: number },
): FleetCar[] {
  return Array.from({ length: count }, (_, i) => {
    const model = FLEET_MODELS[i % FLEET_MODELS.length]!;
    const serial = (options.serialBase ?? 100_000) + i;
    const asset = VehicleAsset.parse({
      schema: VEHICLE_SCHEMA_TAG,
      vin: buildVin(model.vinPrefix, options.modelYear, model.plant, serial),
      make: model.make,
      model: model.model,
      modelYear: options.modelYear,
      bodyType: model.bodyType,
      valueMinor: model.listPrice * 100,
      currency: options.currency,
      ratingClass: model.ratingClass,
    });
    return { handle: `${model.make} ${model.model}`, asset };
  });
}

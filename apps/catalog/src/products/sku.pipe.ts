import { BadRequestException, type PipeTransform } from '@nestjs/common';

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A SKU path parameter: 1–64 letters, digits, '.', '_' or '-'. */
export class SkuPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SKU.test(value)) {
      throw new BadRequestException("sku must be 1-64 letters, digits, '.', '_' or '-'");
    }
    return value;
  }
}

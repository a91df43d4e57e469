import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { CART_NAME } from '@faultline/contracts';

/** A cart path parameter: 1–64 letters, digits, '.', '_' or '-'. */
export class CartNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CART_NAME.test(value)) {
      throw new BadRequestException("cart must be 1-64 letters, digits, '.', '_' or '-'");
    }
    return value;
  }
}

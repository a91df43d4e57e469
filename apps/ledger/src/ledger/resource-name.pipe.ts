import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { RESOURCE_NAME } from '@faultline/contracts';

/** A resource or register key path parameter: 1–64 lowercase letters, digits or '-'. */
export class ResourceNamePipe implements PipeTransform<string, string> {
  constructor(private readonly what: 'resource' | 'key' = 'resource') {}

  transform(value: string): string {
    if (!RESOURCE_NAME.test(value)) {
      throw new BadRequestException(`${this.what} must be 1-64 lowercase letters, digits or '-'`);
    }
    return value;
  }
}

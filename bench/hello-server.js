// The ceiling: a bare NestJS route on the Fastify adapter, same framework versions as the app.
// Usage: PORT=4001 node bench/hello-server.js
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

class HelloController {
  hello() {
    return { hello: 'world' };
  }
}
Get()(HelloController.prototype, 'hello', Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'));
Controller()(HelloController);

class HelloModule {}
Module({ controllers: [HelloController] })(HelloModule);

async function main() {
  const app = await NestFactory.create(HelloModule, new FastifyAdapter(), { logger: false });
  await app.listen(Number(process.env.PORT ?? 4001), '127.0.0.1');
  process.send?.('ready');
}
main();

import { createOffice, applicant, futureDate } from './support/fixtures';
import { createTestApp, TestApp } from './support/test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.destroy());

  it('books and looks up', async () => {
    const office = await createOffice(t, { slots: [{ date: futureDate(), start: '09:00', end: '09:30', capacity: 2 }] });
    const booked = await t.http.post('/appointments').send({ officeCode: office.code, slotId: office.slots[0].id, serviceType: 'NEW', applicant: applicant(1) });
    expect(booked.status).toBe(201);
    const found = await t.http.get(`/appointments/${booked.body.code.toLowerCase()}`).set('X-Applicant-NIK', applicant(1).nik);
    expect(found.status).toBe(200);
    expect(found.body.applicant.nikMasked).toBe('3174********0001');
  });
});

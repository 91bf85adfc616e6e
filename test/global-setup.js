// Dates in notes and reports must not depend on the machine's zone.
module.exports = async () => { process.env.TZ = 'UTC'; };

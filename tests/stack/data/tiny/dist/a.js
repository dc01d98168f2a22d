function o(){n()}function n(){throw new Error("x")}o();
//# sourceMappingURL=a.js.map

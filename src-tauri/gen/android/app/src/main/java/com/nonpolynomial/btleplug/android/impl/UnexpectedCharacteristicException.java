package com.nonpolynomial.btleplug.android.impl;

class UnexpectedCharacteristicException extends BluetoothException {
}

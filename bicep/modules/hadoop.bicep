// HDInsight 5.1 Hadoop cluster (platform hdinsight): Flink runs on its YARN workers, in the flink
// subnet. No Azure Monitor extension, as for Kafka (kafka.bicep).
param solutionName string
param location string
param tags object
param workerCount int
param workerSize string
param vnetId string
param subnetId string
param storageAccountName string
param clusterLoginUserName string
@secure()
param clusterLoginPassword string
param sshUserName string
@secure()
param sshPassword string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource cluster 'Microsoft.HDInsight/clusters@2021-06-01' = {
  name: 'flink${solutionName}'
  location: location
  tags: tags
  properties: {
    clusterVersion: '5.1'
    osType: 'Linux'
    tier: 'Standard'
    minSupportedTlsVersion: '1.2'
    clusterDefinition: {
      kind: 'HADOOP'
      configurations: {
        gateway: {
          'restAuthCredential.isEnabled': true
          'restAuthCredential.username': clusterLoginUserName
          'restAuthCredential.password': clusterLoginPassword
        }
      }
    }
    storageProfile: {
      storageaccounts: [
        {
          name: '${storage.name}.blob.${environment().suffixes.storage}'
          isDefault: true
          container: 'flink${solutionName}'
          key: storage.listKeys().keys[0].value
        }
      ]
    }
    computeProfile: {
      roles: [
        {
          name: 'headnode'
          targetInstanceCount: 2
          hardwareProfile: {
            vmSize: 'Standard_D3_V2'
          }
          osProfile: {
            linuxOperatingSystemProfile: {
              username: sshUserName
              password: sshPassword
            }
          }
          virtualNetworkProfile: {
            id: vnetId
            subnet: subnetId
          }
        }
        {
          name: 'workernode'
          targetInstanceCount: workerCount
          hardwareProfile: {
            vmSize: workerSize
          }
          osProfile: {
            linuxOperatingSystemProfile: {
              username: sshUserName
              password: sshPassword
            }
          }
          virtualNetworkProfile: {
            id: vnetId
            subnet: subnetId
          }
        }
        {
          name: 'zookeepernode'
          targetInstanceCount: 3
          hardwareProfile: {
            vmSize: 'Standard_A4_v2'
          }
          osProfile: {
            linuxOperatingSystemProfile: {
              username: sshUserName
              password: sshPassword
            }
          }
          virtualNetworkProfile: {
            id: vnetId
            subnet: subnetId
          }
        }
      ]
    }
  }
}

output clusterName string = cluster.name
output gatewayUrl string = 'https://${cluster.name}.azurehdinsight.net'
